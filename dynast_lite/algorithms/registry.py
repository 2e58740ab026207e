"""Algorithms by DyNAS-T's names."""

from __future__ import annotations

from typing import Any

from .base import Algorithm
from .genetic import GA, NSGA2
from .random_search import RandomSearch

__all__ = ["ALGORITHMS", "make_algorithm"]

#: DyNAS-T name -> class; each class says which objective counts it accepts (``n_obj_range``)
ALGORITHMS: dict[str, type[Algorithm]] = {
    "ga": GA,
    "nsga2": NSGA2,
    "random": RandomSearch,
}


def make_algorithm(name: str, **settings: Any) -> Algorithm:
    """Build an algorithm by its DyNAS-T name (``ga``, ``nsga2``, ``random``, ...).

    Args:
        name: registry name, case-insensitive.
        **settings: passed to the algorithm's constructor (``pop_size``, ``seed``, ...).
    """
    key = str(name).lower()
    if key not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {name!r}; choose one of {sorted(ALGORITHMS)}")
    return ALGORITHMS[key](**settings)
