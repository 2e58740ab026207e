"""Search algorithms on the ask/tell contract."""

from .agemoea import AGEMOEA
from .base import Algorithm, Result
from .cmaes import CMAES
from .ctaea import CTAEA
from .genetic import GA, NSGA2, GeneticAlgorithm
from .moead import MOEAD
from .random_search import RandomSearch
from .registry import ALGORITHMS, algorithms_for, make_algorithm
from .unsga3 import UNSGA3

__all__ = [
    "AGEMOEA",
    "ALGORITHMS",
    "CMAES",
    "CTAEA",
    "GA",
    "MOEAD",
    "NSGA2",
    "UNSGA3",
    "Algorithm",
    "GeneticAlgorithm",
    "RandomSearch",
    "Result",
    "algorithms_for",
    "make_algorithm",
]
