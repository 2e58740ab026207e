"""Standard test problems with known Pareto fronts (ZDT, DTLZ, constrained DTLZ), each
imported on first use."""

from .._lazy import lazy_attributes

_NAMES = {
    "c1_dtlz1": ".constrained:c1_dtlz1",
    "c2_dtlz2": ".constrained:c2_dtlz2",
    "c3_dtlz4": ".constrained:c3_dtlz4",
    "dtlz1": ".dtlz:dtlz1",
    "dtlz2": ".dtlz:dtlz2",
    "dtlz3": ".dtlz:dtlz3",
    "dtlz4": ".dtlz:dtlz4",
    "dtlz7": ".dtlz:dtlz7",
    "zdt1": ".zdt:zdt1",
    "zdt2": ".zdt:zdt2",
    "zdt3": ".zdt:zdt3",
    "zdt4": ".zdt:zdt4",
    "zdt6": ".zdt:zdt6",
}
__getattr__, __dir__ = lazy_attributes(__name__, _NAMES)
__all__ = sorted(_NAMES)
