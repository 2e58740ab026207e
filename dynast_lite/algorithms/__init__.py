"""Search algorithms on the ask/tell contract (each imported on first use)."""

from .._lazy import lazy_attributes

_NAMES = {
    "AGEMOEA": ".agemoea:AGEMOEA",
    "ALGORITHMS": ".registry:ALGORITHMS",
    "CMAES": ".cmaes:CMAES",
    "CTAEA": ".ctaea:CTAEA",
    "GA": ".genetic:GA",
    "MOEAD": ".moead:MOEAD",
    "NSGA2": ".genetic:NSGA2",
    "UNSGA3": ".unsga3:UNSGA3",
    "Algorithm": ".base:Algorithm",
    "GeneticAlgorithm": ".genetic:GeneticAlgorithm",
    "RandomSearch": ".random_search:RandomSearch",
    "Result": ".base:Result",
    "algorithms_for": ".registry:algorithms_for",
    "make_algorithm": ".registry:make_algorithm",
}
__getattr__, __dir__ = lazy_attributes(__name__, _NAMES)
__all__ = sorted(_NAMES)
