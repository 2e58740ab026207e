"""Brute-force reference implementations the kernels are checked against, and the awkward
inputs they are checked on."""

from __future__ import annotations

import itertools

import numpy as np


def dominates(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.all(a <= b) and np.any(a < b))


def rank_by_peeling(F: np.ndarray) -> np.ndarray:
    """Peel fronts one at a time, checking every pair."""
    n = F.shape[0]
    rank = np.full(n, -1)
    remaining = list(range(n))
    r = 0
    while remaining:
        front = [i for i in remaining if not any(dominates(F[j], F[i]) for j in remaining)]
        for i in front:
            rank[i] = r
        remaining = [i for i in remaining if rank[i] < 0]
        r += 1
    return rank


def constrained_rank_by_peeling(F: np.ndarray, cv: np.ndarray) -> np.ndarray:
    """Peeling under Deb's constrained domination."""

    def cdom(i, j):
        fi, fj = cv[i] <= 0, cv[j] <= 0
        if fi and not fj:
            return True
        if fj and not fi:
            return False
        if not fi:
            return cv[i] < cv[j]
        return dominates(F[i], F[j])

    n = F.shape[0]
    rank = np.full(n, -1)
    remaining = list(range(n))
    r = 0
    while remaining:
        front = [i for i in remaining if not any(cdom(j, i) for j in remaining)]
        for i in front:
            rank[i] = r
        remaining = [i for i in remaining if rank[i] < 0]
        r += 1
    return rank


def crowding_by_definition(F: np.ndarray) -> np.ndarray:
    n, m = F.shape
    d = np.zeros(n)
    first = {}
    for i in range(n):
        first.setdefault(tuple(F[i]), i)
    uniq = sorted(first.values())
    if len(uniq) <= 2:
        d[uniq] = np.inf
        return d
    for c in range(m):
        order = sorted(uniq, key=lambda i: F[i, c])  # stable
        span = F[order[-1], c] - F[order[0], c]
        d[order[0]] = d[order[-1]] = np.inf
        for k in range(1, len(order) - 1):
            if span > 0:
                d[order[k]] += (F[order[k + 1], c] - F[order[k - 1], c]) / span
    return d


def hypervolume_by_grid(F: np.ndarray, ref: np.ndarray) -> float:
    """Sum the cells of the grid spanned by all coordinates that some point dominates."""
    F = F[(F < ref).all(axis=1)]
    if F.shape[0] == 0:
        return 0.0
    m = F.shape[1]
    axes = [np.unique(np.r_[F[:, c], ref[c]]) for c in range(m)]
    total = 0.0
    for cell in itertools.product(*[range(len(a) - 1) for a in axes]):
        lower = np.array([axes[c][k] for c, k in enumerate(cell)])
        if np.any(np.all(F <= lower, axis=1)):
            total += float(np.prod([axes[c][k + 1] - axes[c][k] for c, k in enumerate(cell)]))
    return total


def hypervolume_by_slicing(F: np.ndarray, ref: np.ndarray) -> float:
    """Hypervolume in m >= 3 dimensions by slicing along the last objective: the sum over the
    points sorted by it of (gap to the next) x the (m-1)-D hypervolume of the points so far,
    the 2-D base case summing strips. Independent of the kernels' sweeps; O(n^(m-1) log n)."""
    F = np.asarray(F, dtype=float)
    F = F[(F < ref).all(axis=1)]
    if F.shape[0] == 0:
        return 0.0
    if F.shape[1] == 2:
        total, best_y = 0.0, ref[1]
        for x, y in sorted(map(tuple, F)):
            if y < best_y:
                total += (ref[0] - x) * (best_y - y)
                best_y = y
        return total
    order = np.argsort(F[:, -1], kind="stable")
    total = 0.0
    for t, i in enumerate(order):
        upper = F[order[t + 1], -1] if t + 1 < len(order) else ref[-1]
        if upper > F[i, -1]:
            total += (upper - F[i, -1]) * hypervolume_by_slicing(F[order[: t + 1], :-1], ref[:-1])
    return total


def tie_heavy(rng: np.random.Generator, n: int, m: int, levels: int = 3) -> np.ndarray:
    """Points on a coarse grid with repeated rows: many equal coordinates and duplicates."""
    F = rng.integers(0, levels, size=(n, m)).astype(float)
    if n > 2:
        F[n // 2] = F[0]
        F[-1] = F[1]
    return F
