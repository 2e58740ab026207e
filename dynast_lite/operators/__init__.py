"""Variation, selection, repair and duplicate elimination operators."""

from .crossover import SBX, PointCrossover, UniformCrossover
from .duplicates import RowArchive, row_keys, unique_rows
from .mutation import PolynomialMutation
from .repair import clip_to_bounds, round_integers
from .sampling import random_candidates
from .selection import binary_tournament

__all__ = [
    "SBX",
    "PointCrossover",
    "PolynomialMutation",
    "RowArchive",
    "UniformCrossover",
    "binary_tournament",
    "clip_to_bounds",
    "random_candidates",
    "round_integers",
    "row_keys",
    "unique_rows",
]
