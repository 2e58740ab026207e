"""dynast-lite: super-network neural architecture search.

The search core (this package) needs only NumPy, numba, SciPy and click; it never imports torch.
Names are imported on first use, so ``import dynast_lite`` is quick.
"""

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from ._lazy import lazy_attributes

if TYPE_CHECKING:  # what type checkers and editors see; at run time each is imported on first use
    from . import (
        algorithms,
        constraints,
        indicators,
        metrics,
        operators,
        predictors,
        problems,
        reference_directions,
        results,
        supernets,
    )
    from .algorithms.base import Result
    from .algorithms.registry import make_algorithm
    from .ask_tell_loop import minimize
    from .indicators import pareto_front
    from .nas import SearchProgress, SearchResult, SearchSettings, search
    from .problem import Problem
    from .space import SearchSpace

try:
    __version__ = version("dynast-lite")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

_NAMES = {
    "Problem": ".problem:Problem",
    "Result": ".algorithms.base:Result",
    "SearchProgress": ".nas:SearchProgress",
    "SearchResult": ".nas:SearchResult",
    "SearchSettings": ".nas:SearchSettings",
    "SearchSpace": ".space:SearchSpace",
    "make_algorithm": ".algorithms.registry:make_algorithm",
    "minimize": ".ask_tell_loop:minimize",
    "pareto_front": ".indicators:pareto_front",
    "search": ".nas:search",
    **{
        name: f".{name}"
        for name in (
            "algorithms",
            "constraints",
            "indicators",
            "metrics",
            "operators",
            "predictors",
            "problems",
            "reference_directions",
            "results",
            "supernets",
        )
    },
}
__getattr__, __dir__ = lazy_attributes(__name__, _NAMES)
__all__ = [
    "__version__",
    "Problem",
    "Result",
    "SearchProgress",
    "SearchResult",
    "SearchSettings",
    "SearchSpace",
    "algorithms",
    "constraints",
    "indicators",
    "make_algorithm",
    "metrics",
    "minimize",
    "operators",
    "pareto_front",
    "predictors",
    "problems",
    "reference_directions",
    "results",
    "search",
    "supernets",
]
