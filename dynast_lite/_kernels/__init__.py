"""Hot loops of the search core: pure array functions, compiled with numba when available."""

from ._jit import HAVE_NUMBA, python_impl
from .crowding import crowding_distance, crowding_distance_by_front
from .ranking import constrained_rank, non_dominated_rank

__all__ = [
    "HAVE_NUMBA",
    "constrained_rank",
    "crowding_distance",
    "crowding_distance_by_front",
    "non_dominated_rank",
    "python_impl",
]
