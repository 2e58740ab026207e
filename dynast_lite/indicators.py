"""Quality indicators of objective-space sets (all objectives minimised)."""

from __future__ import annotations

import numpy as np

from ._kernels.hypervolume import finite_code, hv_2d, hv_3d, hv_rec
from ._kernels.hypervolume4d import hv_4d_points, hv_5d_points
from ._kernels.ranking import non_dominated_rank

__all__ = ["gd", "hypervolume", "igd", "pareto_front"]


def _as_points(F: np.ndarray, name: str = "F", check_finite: bool = True) -> np.ndarray:
    F = np.asarray(F, dtype=np.float64)
    if F.ndim == 1:
        F = F[None, :]
    if F.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (n_points, n_obj), got shape {F.shape}")
    if check_finite and not np.isfinite(F).all():
        _not_finite(name)
    return F


def _not_finite(name: str) -> None:
    raise ValueError(f"{name} contains NaN or infinite values; drop failed candidates first")


def pareto_front(F: np.ndarray) -> np.ndarray:
    """Mask of the non-dominated rows of ``F`` (duplicates of a non-dominated row are kept).

    Args:
        F: objective values, shape (n, n_obj), minimised.

    Returns:
        bool array of shape (n,).
    """
    F = _as_points(F)
    return non_dominated_rank(F) == 0


def hypervolume(F: np.ndarray, ref_point: np.ndarray) -> float:
    """Exact hypervolume dominated by ``F`` and bounded by ``ref_point``.

    Rows that do not strictly dominate the reference point contribute nothing.

    Args:
        F: objective values, shape (n, n_obj), minimised.
        ref_point: shape (n_obj,).

    Returns:
        The volume, in the product of the objectives' units.
    """
    F = _as_points(F, check_finite=False)
    ref = np.asarray(ref_point, dtype=np.float64).ravel()
    if ref.shape[0] != F.shape[1]:
        raise ValueError(f"ref_point has {ref.shape[0]} coordinates but F has {F.shape[1]} objectives")
    bad = finite_code(F, ref)
    if bad == 1:
        _not_finite("F")
    if bad == 2:
        raise ValueError(f"ref_point must be finite, got {ref.tolist()}")
    n, m = F.shape
    if n == 0:
        return 0.0
    # the 2-D and 3-D kernels skip rows that do not dominate the reference point themselves
    if m == 2:
        return float(hv_2d(F, ref, np.argsort(F[:, 0], kind="stable")))
    if m == 3:
        return float(hv_3d(F, ref, np.argsort(F[:, 2], kind="stable")))
    if m == 4:  # HV4D+ skips dominated points and those beyond the reference itself
        return float(hv_4d_points(F, ref))
    if m == 5:  # so does the 5-D sweep
        return float(hv_5d_points(F, ref))
    P = np.ascontiguousarray(F[(F < ref).all(axis=1)])
    if P.shape[0] == 0:
        return 0.0
    if m == 1:
        return float(ref[0] - P[:, 0].min())
    # the recursion's cost grows with the set, so drop dominated points and copies first
    P = np.unique(P[non_dominated_rank(P) == 0], axis=0)
    return float(hv_rec(P, ref))


def _min_distances(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    # distance from each row of A to its nearest row of B, in blocks to bound memory
    out = np.empty(A.shape[0])
    b2 = (B**2).sum(axis=1)
    step = max(1, 2_000_000 // max(1, B.shape[0]))
    for s in range(0, A.shape[0], step):
        a = A[s : s + step]
        d2 = (a**2).sum(axis=1)[:, None] + b2[None, :] - 2.0 * a @ B.T
        out[s : s + step] = np.sqrt(np.maximum(d2.min(axis=1), 0.0))
    return out


def igd(F: np.ndarray, pareto_front: np.ndarray) -> float:
    """Inverted generational distance: mean distance from each true-front point to ``F``.

    Args:
        F: approximation, shape (n, n_obj).
        pareto_front: reference points on the true front, shape (k, n_obj).

    Returns:
        Mean Euclidean distance, in objective units (lower is better).
    """
    F = _as_points(F)
    R = _as_points(pareto_front, "pareto_front")
    if R.shape[1] != F.shape[1]:
        raise ValueError(f"pareto_front has {R.shape[1]} objectives but F has {F.shape[1]}")
    if F.shape[0] == 0:
        return float("inf")
    return float(_min_distances(R, F).mean())


def gd(F: np.ndarray, pareto_front: np.ndarray) -> float:
    """Generational distance: mean distance from each row of ``F`` to the true front."""
    F = _as_points(F)
    R = _as_points(pareto_front, "pareto_front")
    if R.shape[1] != F.shape[1]:
        raise ValueError(f"pareto_front has {R.shape[1]} objectives but F has {F.shape[1]}")
    return float(_min_distances(F, R).mean())
