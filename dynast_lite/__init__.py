"""dynast-lite: super-network neural architecture search.

The search core (this package) needs only NumPy, numba, SciPy and click; it never imports torch.
"""

from importlib.metadata import PackageNotFoundError, version

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
from .algorithms import Result, make_algorithm
from .indicators import pareto_front
from .minimize import minimize
from .nas import SearchProgress, SearchResult, SearchSettings, search
from .problem import Problem
from .space import SearchSpace

try:
    __version__ = version("dynast-lite")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "Problem",
    "Result",
    "SearchProgress",
    "SearchResult",
    "SearchSettings",
    "SearchSpace",
    "__version__",
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
