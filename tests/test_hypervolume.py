import numpy as np
import pytest
from oracles import hypervolume_by_grid, hypervolume_by_slicing, tie_heavy

from dynast_lite._kernels import python_impl
from dynast_lite._kernels.hypervolume import hv_2d, hv_3d, hv_rec
from dynast_lite.indicators import hypervolume


@pytest.mark.parametrize("m", [1, 2, 3, 4, 5])
def test_matches_grid_oracle_on_random_points(rng, m):
    for n in (1, 2, 5, 8):
        F = rng.random((n, m))
        ref = np.full(m, 1.1)
        assert hypervolume(F, ref) == pytest.approx(hypervolume_by_grid(F, ref), rel=1e-12)


@pytest.mark.parametrize("m", [2, 3, 4])
def test_matches_grid_oracle_with_ties_and_points_beyond_ref(rng, m):
    for _ in range(5):
        F = tie_heavy(rng, 9, m, 4)
        ref = np.full(m, 2.5)  # level 3 lies beyond the reference point
        assert hypervolume(F, ref) == pytest.approx(hypervolume_by_grid(F, ref), rel=1e-12)


def test_known_values():
    assert hypervolume(np.array([[0.0, 0.0]]), [1.0, 1.0]) == 1.0
    assert hypervolume(np.array([[0.0, 0.5], [0.5, 0.0]]), [1.0, 1.0]) == pytest.approx(0.75)
    assert hypervolume(np.array([[2.0, 2.0]]), [1.0, 1.0]) == 0.0
    # three unit vectors against (2, 2, 2): boxes of 4, pairwise overlaps of 2, triple overlap 1
    F = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]], float)
    assert hypervolume(F, [2, 2, 2]) == pytest.approx(3 * 4 - 3 * 2 + 1)


def test_dominated_points_and_permutations_do_not_change_volume(rng):
    for m in (2, 3, 4, 5):
        F = rng.random((30, m))
        ref = np.full(m, 1.0)
        base = hypervolume(F, ref)
        assert hypervolume(np.vstack([F, F + 0.01, F[:5]]), ref) == pytest.approx(base, rel=1e-12)
        assert hypervolume(F[rng.permutation(30)], ref) == pytest.approx(base, rel=1e-12)


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="ref_point has 3"):
        hypervolume(np.zeros((2, 2)), [1, 1, 1])
    with pytest.raises(ValueError, match="NaN"):
        hypervolume(np.array([[np.nan, 0.0]]), [1, 1])


def test_numba_and_python_agree(rng):
    for F in (rng.random((20, 3)), tie_heavy(rng, 20, 3)):
        ref = np.full(3, 2.5)
        P = np.ascontiguousarray(F[(F < ref).all(axis=1)])
        o = np.argsort(P[:, 2])
        assert python_impl(hv_3d)(P, ref, o) == pytest.approx(hv_3d(P, ref, o), rel=1e-14)
        o2 = np.argsort(P[:, 0])
        assert python_impl(hv_2d)(P[:, :2], ref[:2], o2) == pytest.approx(
            hv_2d(P[:, :2], ref[:2], o2), rel=1e-14
        )
    F = rng.random((12, 4))
    ref = np.full(4, 1.0)
    assert python_impl(hv_rec)(F, ref) == pytest.approx(hv_rec(F, ref), rel=1e-14)


@pytest.mark.parametrize("m", [4, 5])
def test_matches_the_slicing_oracle_on_larger_sets(rng, m):
    for trial in range(12):
        n = 40 if m == 4 else 18
        if trial % 3 == 0:
            F = tie_heavy(rng, n, m, 4)  # repeated coordinates, duplicates, points beyond ref
            ref = np.full(m, 2.5)
        else:
            F = np.abs(rng.normal(size=(n, m)))
            F /= np.linalg.norm(F, axis=1, keepdims=True)  # mutually non-dominated
            ref = np.full(m, 1.1) - 0.3 * rng.random(m) * (trial % 2)
        assert hypervolume(F, ref) == pytest.approx(hypervolume_by_slicing(F, ref), rel=1e-12, abs=1e-15)


def test_hv4d_numba_and_python_agree(rng):
    from dynast_lite._kernels.hypervolume4d import hv_4d_points, hv_5d_points, sort_floor

    for F in (rng.random((25, 4)), tie_heavy(rng, 25, 4)):
        ref = np.full(4, 2.5)
        assert python_impl(hv_4d_points)(F, ref) == pytest.approx(hv_4d_points(F, ref), rel=1e-14)
    # 5-D sets large enough that limited sets go through HV4D+ (sorted floors, equal heights)
    for F in (np.abs(rng.normal(size=(30, 5))), tie_heavy(rng, 30, 5)):
        ref = np.full(5, 2.5)
        assert python_impl(hv_5d_points)(F, ref) == pytest.approx(hv_5d_points(F, ref), rel=1e-14)
    P = np.array([[3.0, 1, 2, 0], [1, 2, 2, 0], [2, 1, 1, 0], [1, 1, 1, 1]])
    L = P.copy()
    python_impl(sort_floor)(L, 4, 0.0)
    assert L.tolist() == [[2, 1, 1, 0], [3, 1, 2, 0], [1, 2, 2, 0], [1, 1, 1, 1]]  # by 3rd, 2nd, 1st
    ref = np.full(4, 4.0)
    assert _python_hv4d(L, ref) == pytest.approx(hypervolume(P, ref), rel=1e-14)


def test_hv4d_walking_and_comparing_find_the_same_neighbours(rng, monkeypatch):
    # long lists find a point's neighbours by walking the staircase, short ones by comparing
    # every node: force each way on the same sets (Python, so the module constant is read live)
    from dynast_lite._kernels import hypervolume4d as hv4

    sphere = np.abs(rng.normal(size=(300, 4)))
    sphere /= np.linalg.norm(sphere, axis=1, keepdims=True)
    grid = tie_heavy(rng, 300, 4, 8)
    for F, ref in ((sphere, np.full(4, 1.1)), (grid, np.full(4, 7.5))):
        P = F[(F < ref).all(axis=1)]
        P = P[np.argsort(P[:, 3], kind="stable")]
        values = []
        for walk_from in (0, 10**9):
            monkeypatch.setattr(hv4, "WALK_FROM", walk_from)
            values.append(_python_hv4d(P, ref))
        assert values[0] == pytest.approx(values[1], rel=1e-14)
        assert values[0] == pytest.approx(hypervolume(F, ref), rel=1e-14)
    assert values[0] == pytest.approx(hypervolume_by_grid(grid, np.full(4, 7.5)), rel=1e-12)


def _python_hv4d(P: np.ndarray, ref: np.ndarray) -> float:
    """HV4D+'s core, not compiled, on rows ``P`` sorted by the 4th objective."""
    from dynast_lite._kernels import hypervolume4d as hv4

    n = P.shape[0]
    X = np.empty((n + 2, 4))  # the rows, then the two sentinels
    X[:n] = P
    return python_impl(hv4.hv_4d_core)(X, n, ref, np.empty((n, 3)), np.empty((5, n + 2), np.uint32))
