"""Algorithms by DyNAS-T's names. The table below is all this module holds: an algorithm's
module is imported when it is first asked for, so the registry imports no algorithm and
``base.py`` can use it without a loop of imports."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .base import Algorithm

__all__ = ["ALGORITHMS", "algorithms_for", "make_algorithm", "objective_range"]

#: DyNAS-T name -> (module, class, objective counts it accepts: (least, most or None))
_TABLE: dict[str, tuple[str, str, tuple[int, int | None]]] = {
    "ga": ("genetic", "GA", (1, 1)),
    "cmaes": ("cmaes", "CMAES", (1, 1)),
    "nsga2": ("genetic", "NSGA2", (2, 2)),
    "age": ("agemoea", "AGEMOEA", (2, 2)),
    "unsga3": ("unsga3", "UNSGA3", (3, None)),
    "ctaea": ("ctaea", "CTAEA", (3, None)),
    "moead": ("moead", "MOEAD", (3, None)),
    "random": ("random_search", "RandomSearch", (1, None)),
}


class _Registry(Mapping):
    """Name -> algorithm class, each imported on first access."""

    def __getitem__(self, name: str) -> type[Algorithm]:
        module, cls, _ = _TABLE[name]
        return getattr(importlib.import_module(f".{module}", __package__), cls)

    def __iter__(self) -> Iterator[str]:
        return iter(_TABLE)

    def __len__(self) -> int:
        return len(_TABLE)


#: DyNAS-T name -> class: 1 objective for ga and cmaes, 2 for nsga2 and age, 3 or more for
#: unsga3, ctaea and moead, any for random (each class's ``n_obj_range`` says the same)
ALGORITHMS: Mapping[str, type[Algorithm]] = _Registry()


def objective_range(name: str) -> tuple[int, int | None]:
    """Objective counts the algorithm ``name`` accepts, without importing it."""
    return _TABLE[name][2]


def algorithms_for(n_obj: int) -> list[str]:
    """Registry names of the algorithms that accept ``n_obj`` objectives."""
    return [name for name, (_, _, (lo, hi)) in _TABLE.items() if lo <= n_obj and (hi is None or n_obj <= hi)]


def make_algorithm(name: str, **settings: Any) -> Algorithm:
    """Build an algorithm by its DyNAS-T name (``ga``, ``cmaes``, ``nsga2``, ``age``, ``unsga3``,
    ``ctaea``, ``moead``, ``random``).

    Args:
        name: registry name, case-insensitive.
        **settings: passed to the algorithm's constructor (``pop_size``, ``seed``, ...).
    """
    key = str(name).lower()
    if key not in _TABLE:
        raise ValueError(f"unknown algorithm {name!r}; choose one of {sorted(_TABLE)}")
    return ALGORITHMS[key](**settings)
