"""Search algorithms on the ask/tell contract."""

from .base import Algorithm, Result
from .genetic import GA, NSGA2, GeneticAlgorithm
from .random_search import RandomSearch
from .registry import ALGORITHMS, make_algorithm

__all__ = [
    "ALGORITHMS",
    "GA",
    "NSGA2",
    "Algorithm",
    "GeneticAlgorithm",
    "RandomSearch",
    "Result",
    "make_algorithm",
]
