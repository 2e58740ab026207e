"""Algorithms by DyNAS-T's names."""

from __future__ import annotations

from typing import Any

from .agemoea import AGEMOEA
from .base import Algorithm
from .cmaes import CMAES
from .ctaea import CTAEA
from .genetic import GA, NSGA2
from .moead import MOEAD
from .random_search import RandomSearch
from .unsga3 import UNSGA3

__all__ = ["ALGORITHMS", "algorithms_for", "make_algorithm"]

#: DyNAS-T name -> class; each class says which objective counts it accepts (``n_obj_range``):
#: 1 for ga and cmaes, 2 for nsga2 and age, 3 or more for unsga3, ctaea and moead, any for random
ALGORITHMS: dict[str, type[Algorithm]] = {
    "ga": GA,
    "cmaes": CMAES,
    "nsga2": NSGA2,
    "age": AGEMOEA,
    "unsga3": UNSGA3,
    "ctaea": CTAEA,
    "moead": MOEAD,
    "random": RandomSearch,
}


def algorithms_for(n_obj: int) -> list[str]:
    """Registry names of the algorithms that accept ``n_obj`` objectives."""
    return [
        name
        for name, cls in ALGORITHMS.items()
        if cls.n_obj_range[0] <= n_obj and (cls.n_obj_range[1] is None or n_obj <= cls.n_obj_range[1])
    ]


def make_algorithm(name: str, **settings: Any) -> Algorithm:
    """Build an algorithm by its DyNAS-T name (``ga``, ``cmaes``, ``nsga2``, ``age``, ``unsga3``,
    ``ctaea``, ``moead``, ``random``).

    Args:
        name: registry name, case-insensitive.
        **settings: passed to the algorithm's constructor (``pop_size``, ``seed``, ...).
    """
    key = str(name).lower()
    if key not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {name!r}; choose one of {sorted(ALGORITHMS)}")
    return ALGORITHMS[key](**settings)
