import numpy as np
import pytest
from oracles import constrained_rank_by_peeling, rank_by_peeling, tie_heavy

from dynast_lite._kernels import constrained_rank, non_dominated_rank, python_impl
from dynast_lite._kernels.ranking import rank_2d, rank_3d, rank_bitset, rank_nd
from dynast_lite._kernels.sorting import lex_order, sort_tie_runs


@pytest.mark.parametrize("m", [1, 2, 3, 4, 5, 7])
@pytest.mark.parametrize("n", [0, 1, 2, 7, 60])
def test_rank_matches_peeling_on_random_points(rng, n, m):
    F = rng.random((n, m))
    assert np.array_equal(non_dominated_rank(F), rank_by_peeling(F))


@pytest.mark.parametrize("m", [1, 2, 3, 4, 6])
@pytest.mark.parametrize("levels", [2, 3, 5])
def test_rank_matches_peeling_on_ties_and_duplicates(rng, m, levels):
    for _ in range(5):
        F = tie_heavy(rng, 50, m, levels)
        assert np.array_equal(non_dominated_rank(F), rank_by_peeling(F))


@pytest.mark.parametrize("m", [4, 5])
def test_bitset_path_matches_peeling(rng, m):
    # 400+ rows take the bitset path; compare with the front-scanning path and the oracle
    F = np.vstack([rng.random((300, m)), tie_heavy(rng, 150, m, 4)])
    order = lex_order(F)
    Fs = F[order]
    by_obj = np.ascontiguousarray(np.argsort(Fs, axis=0).T).astype(np.int64)
    for stride in (16, 64):
        bits = np.empty(F.shape[0], np.int64)
        bits[order] = rank_bitset(Fs, by_obj, stride)
        assert np.array_equal(bits, rank_nd(F, order))
    assert np.array_equal(non_dominated_rank(F), rank_by_peeling(F))


def test_chain_of_fronts(rng):
    # every point dominates the next: n fronts, the worst case for front counts
    t = np.sort(rng.random(500))
    for m in (2, 3, 5):
        F = np.tile(t[:, None], (1, m))
        perm = rng.permutation(500)
        assert np.array_equal(non_dominated_rank(F[perm]), np.arange(500)[perm])


def test_rank_rejects_bad_shapes():
    with pytest.raises(ValueError, match="2-D"):
        non_dominated_rank(np.zeros(5))


@pytest.mark.parametrize("m", [2, 3, 5])
def test_numba_and_python_implementations_agree(rng, m):
    for F in (rng.random((40, m)), tie_heavy(rng, 40, m)):
        order = lex_order(F)
        assert np.array_equal(python_impl(sort_tie_runs)(F, np.argsort(F[:, 0])), order)
        kernel = {2: rank_2d, 3: rank_3d, 5: rank_nd}[m]
        assert np.array_equal(python_impl(kernel)(F, order), kernel(F, order))
        if m == 5:
            Fs = F[order]
            by_obj = np.ascontiguousarray(np.argsort(Fs, axis=0).T).astype(np.int64)
            assert np.array_equal(python_impl(rank_bitset)(Fs, by_obj, 16), rank_bitset(Fs, by_obj, 16))


def test_lex_order_is_stable_and_lexicographic(rng):
    F = tie_heavy(rng, 200, 3)
    order = lex_order(F)
    expected = np.lexsort(F.T[::-1])  # numpy's lexsort is stable
    assert np.array_equal(order, expected)


def test_constrained_rank_matches_oracle(rng):
    for _ in range(10):
        F = tie_heavy(rng, 40, 2, 4)
        cv = np.where(rng.random(40) < 0.4, rng.integers(1, 4, 40).astype(float), 0.0)
        assert np.array_equal(constrained_rank(F, cv), constrained_rank_by_peeling(F, cv))


def test_constrained_rank_ignores_objectives_of_failed_rows():
    F = np.array([[1.0, 2.0], [np.nan, np.nan], [2.0, 1.0], [3.0, 3.0]])
    cv = np.array([0.0, np.inf, 0.0, 0.5])
    assert constrained_rank(F, cv).tolist() == [0, 2, 0, 1]


def test_staircase_path_for_three_objectives(rng):
    # small sets: against the oracle directly; large (the staircase's own range): against ENS-BS
    for F in (rng.random((60, 3)), tie_heavy(rng, 60, 3, 3)):
        assert np.array_equal(rank_3d(F, lex_order(F)), rank_by_peeling(F))
    for F in (rng.random((3000, 3)), tie_heavy(rng, 3000, 3, 6)):
        order = lex_order(F)
        assert np.array_equal(rank_3d(F, order), rank_nd(F, order))
        assert np.array_equal(non_dominated_rank(F), rank_nd(F, order))
