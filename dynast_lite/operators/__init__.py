"""Variation, selection, repair and duplicate elimination operators (each imported on first
use)."""

from .._lazy import lazy_attributes

_NAMES = {
    "SBX": ".crossover:SBX",
    "PointCrossover": ".crossover:PointCrossover",
    "UniformCrossover": ".crossover:UniformCrossover",
    "RowArchive": ".duplicates:RowArchive",
    "row_keys": ".duplicates:row_keys",
    "unique_rows": ".duplicates:unique_rows",
    "PolynomialMutation": ".mutation:PolynomialMutation",
    "clip_to_bounds": ".repair:clip_to_bounds",
    "round_integers": ".repair:round_integers",
    "random_candidates": ".sampling:random_candidates",
    "binary_tournament": ".selection:binary_tournament",
}
__getattr__, __dir__ = lazy_attributes(__name__, _NAMES)
__all__ = sorted(_NAMES)
