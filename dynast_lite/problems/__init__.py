"""Standard test problems with known Pareto fronts (ZDT, DTLZ, constrained DTLZ)."""

from .constrained import c1_dtlz1, c2_dtlz2
from .dtlz import dtlz1, dtlz2, dtlz3, dtlz4, dtlz7
from .zdt import zdt1, zdt2, zdt3, zdt4, zdt6

__all__ = [
    "c1_dtlz1",
    "c2_dtlz2",
    "dtlz1",
    "dtlz2",
    "dtlz3",
    "dtlz4",
    "dtlz7",
    "zdt1",
    "zdt2",
    "zdt3",
    "zdt4",
    "zdt6",
]
