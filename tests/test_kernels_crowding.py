import numpy as np
import pytest
from oracles import crowding_by_definition, tie_heavy

from dynast_lite._kernels import (
    crowding_distance,
    crowding_distance_by_front,
    non_dominated_rank,
    python_impl,
)
from dynast_lite._kernels.crowding import crowding_sorted
from dynast_lite._kernels.sorting import lex_order


@pytest.mark.parametrize("m", [1, 2, 3, 5])
@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 50])
def test_crowding_matches_definition(rng, n, m):
    F = rng.random((n, m))
    np.testing.assert_allclose(crowding_distance(F), crowding_by_definition(F))


@pytest.mark.parametrize("m", [2, 3])
def test_crowding_with_ties_and_duplicates(rng, m):
    for _ in range(5):
        F = tie_heavy(rng, 30, m, 4)
        np.testing.assert_allclose(crowding_distance(F), crowding_by_definition(F))


def test_duplicates_share_one_value():
    F = np.array([[0.0, 1.0], [0.0, 1.0], [0.5, 0.5], [1.0, 0.0]])
    d = crowding_distance(F)
    assert d[0] == np.inf and d[1] == 0.0 and d[3] == np.inf
    assert d[2] == pytest.approx(2.0)


def test_by_front_equals_per_front(rng):
    F = tie_heavy(rng, 80, 2, 6)
    rank = non_dominated_rank(F)
    d = crowding_distance_by_front(F, rank)
    for r in np.unique(rank):
        idx = np.flatnonzero(rank == r)
        np.testing.assert_allclose(d[idx], crowding_by_definition(F[idx]))


def test_numba_and_python_agree(rng):
    for F in (rng.random((30, 3)), tie_heavy(rng, 30, 3)):
        order = lex_order(F)
        np.testing.assert_array_equal(python_impl(crowding_sorted)(F, order), crowding_sorted(F, order))
