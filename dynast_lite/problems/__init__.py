"""Standard test problems with known Pareto fronts (ZDT, DTLZ)."""

from .dtlz import dtlz1, dtlz2, dtlz3, dtlz4, dtlz7
from .zdt import zdt1, zdt2, zdt3, zdt4, zdt6

__all__ = ["dtlz1", "dtlz2", "dtlz3", "dtlz4", "dtlz7", "zdt1", "zdt2", "zdt3", "zdt4", "zdt6"]
