"""Reference directions on the unit simplex, for decomposition and niching algorithms.

The arguments are named for what they count, and must be passed by name:
``das_dennis(n_partitions=12, n_obj=3)`` gives 91 directions, ``riesz_energy(n_points=20,
n_obj=3, seed=0)`` gives 20. (DyNAS-T asked pymoo's "energy" method for "20 partitions" and
silently got 20 points.)
"""

from __future__ import annotations

from math import comb

import numpy as np

__all__ = [
    "das_dennis",
    "das_dennis_partitions",
    "default_reference_directions",
    "resolve_reference_directions",
    "riesz_energy",
]


def das_dennis(*, n_partitions: int, n_obj: int) -> np.ndarray:
    """Das & Dennis (1998) uniform lattice on the simplex: every vector of ``n_obj``
    non-negative multiples of 1/n_partitions summing to one.

    Returns:
        float64 array of shape (C(n_partitions + n_obj - 1, n_obj - 1), n_obj).
    """
    if n_obj < 1 or n_partitions < 0:
        raise ValueError(
            f"need n_obj >= 1 and n_partitions >= 0, got n_obj={n_obj}, n_partitions={n_partitions}"
        )
    if n_obj == 1:
        return np.ones((1, 1))
    if n_partitions == 0:
        return np.full((1, n_obj), 1.0 / n_obj)
    rows = []

    def fill(prefix: list[int], left: int, slots: int) -> None:
        if slots == 1:
            rows.append(prefix + [left])
            return
        for k in range(left + 1):
            fill(prefix + [k], left - k, slots - 1)

    fill([], n_partitions, n_obj)
    return np.asarray(rows, dtype=np.float64) / n_partitions


def das_dennis_partitions(n_points: int, n_obj: int) -> int:
    """The largest number of partitions whose lattice has at most ``n_points`` points (>= 1)."""
    p = 1
    while comb(p + 1 + n_obj - 1, n_obj - 1) <= n_points:
        p += 1
    return p


def _project_to_simplex(X: np.ndarray) -> np.ndarray:
    # Euclidean projection of each row onto {x >= 0, sum x = 1} (Held et al. / Duchi et al.)
    n, m = X.shape
    U = -np.sort(-X, axis=1)
    css = np.cumsum(U, axis=1) - 1.0
    k = np.arange(1, m + 1)
    cond = U - css / k > 0
    rho = m - 1 - np.argmax(cond[:, ::-1], axis=1)
    theta = css[np.arange(n), rho] / (rho + 1)
    return np.maximum(X - theta[:, None], 0.0)


def riesz_energy(
    *, n_points: int, n_obj: int, seed: int | None = 0, n_iter: int = 1000, s: float | None = None
) -> np.ndarray:
    """Well-spread directions minimising the Riesz s-energy sum_{i<j} |x_i - x_j|^-s on the
    simplex (Blank et al. 2021). The ``n_obj`` corners are always included and held fixed; the
    rest start at random and move by Adam steps on the log-energy, projected onto the simplex.

    Args:
        n_points: number of directions (>= n_obj).
        n_obj: dimension.
        seed: seed of the random start; the same seed gives the same directions.
        n_iter: optimisation steps.
        s: energy exponent, default ``2 * n_obj``.

    Returns:
        float64 array of shape (n_points, n_obj), rows summing to one.
    """
    if n_obj < 2:
        raise ValueError(f"riesz_energy needs n_obj >= 2, got {n_obj}")
    if n_points < n_obj:
        raise ValueError(f"riesz_energy needs n_points >= n_obj ({n_obj}), got {n_points}")
    s = 2.0 * n_obj if s is None else float(s)
    rng = np.random.default_rng(seed)
    corners = np.eye(n_obj)
    free = rng.dirichlet(np.ones(n_obj), size=n_points - n_obj)
    if free.shape[0] == 0:
        return corners
    lr, b1, b2, eps = 0.005, 0.9, 0.999, 1e-8
    m_t = np.zeros_like(free)
    v_t = np.zeros_like(free)
    for t in range(1, n_iter + 1):
        X = np.vstack([corners, free])
        diff = free[:, None, :] - X[None, :, :]  # (k, n, m)
        d2 = (diff**2).sum(axis=2)
        d2[np.arange(free.shape[0]), n_obj + np.arange(free.shape[0])] = np.inf
        d2 = np.maximum(d2, 1e-24)
        pot = d2 ** (-s / 2.0)
        energy = pot.sum()
        # gradient of log(energy) w.r.t. the free points (pairs among free points count twice)
        grad = (-s * (pot / d2)[:, :, None] * diff).sum(axis=1) / energy
        grad -= grad.mean(axis=1, keepdims=True)  # stay on the sum-to-one plane
        norm = np.linalg.norm(grad, axis=1).max()
        if norm > 0:
            grad /= norm
        m_t = b1 * m_t + (1 - b1) * grad
        v_t = b2 * v_t + (1 - b2) * grad**2
        step = lr * (m_t / (1 - b1**t)) / (np.sqrt(v_t / (1 - b2**t)) + eps)
        free = _project_to_simplex(free - step)
    return np.vstack([corners, free])


def default_reference_directions(n_points: int, n_obj: int, seed: int | None = 0) -> np.ndarray:
    """``n_points`` directions: a Das-Dennis lattice when one has exactly that many points,
    otherwise Riesz s-energy directions (seeded)."""
    if n_obj == 1:
        return np.ones((1, 1))
    p = das_dennis_partitions(n_points, n_obj)
    if comb(p + n_obj - 1, n_obj - 1) == n_points:
        return das_dennis(n_partitions=p, n_obj=n_obj)
    return riesz_energy(n_points=n_points, n_obj=n_obj, seed=seed)


def resolve_reference_directions(
    ref_dirs: np.ndarray | None, n_points: int, n_obj: int, seed: int | None
) -> np.ndarray:
    """The directions an algorithm was given, checked against ``n_obj``, or the default
    ``n_points`` directions when it was given none."""
    if ref_dirs is None:
        return default_reference_directions(n_points, n_obj, seed=seed)
    W = np.asarray(ref_dirs, dtype=np.float64)
    if W.ndim != 2 or W.shape[1] != n_obj or W.shape[0] < 1:
        raise ValueError(f"ref_dirs must have shape (k, {n_obj}), got {W.shape}")
    return W
