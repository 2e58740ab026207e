"""Crowding distance (Deb et al. 2002), per set and per front."""

from __future__ import annotations

import numpy as np

from ._jit import jit
from .sorting import lex_order, rows_equal


def _crowding_sorted(F: np.ndarray, lex: np.ndarray) -> np.ndarray:
    n, m = F.shape
    d = np.zeros(n)
    # Exact duplicates share one crowding value: the first of them (lowest index) keeps it and
    # the others get 0, so copies cannot crowd out distinct points at the extremes.
    keep = np.ones(n, np.bool_)
    for t in range(1, n):
        if rows_equal(F, lex[t - 1], lex[t]):
            keep[lex[t]] = False
    uniq = np.flatnonzero(keep)
    k = uniq.shape[0]
    if k <= 2:
        for t in range(k):
            d[uniq[t]] = np.inf
        return d
    vals = np.empty(k)
    for c in range(m):
        for t in range(k):
            vals[t] = F[uniq[t], c]
        o = np.argsort(vals, kind="mergesort")
        lo = vals[o[0]]
        hi = vals[o[k - 1]]
        d[uniq[o[0]]] = np.inf
        d[uniq[o[k - 1]]] = np.inf
        span = hi - lo
        if span > 0.0:
            for t in range(1, k - 1):
                d[uniq[o[t]]] += (vals[o[t + 1]] - vals[o[t - 1]]) / span
    return d


crowding_sorted = jit(_crowding_sorted)


def crowding_distance(F: np.ndarray) -> np.ndarray:
    """Crowding distance of each row of one front.

    For each objective the rows are sorted (stably); the two extremes get ``inf`` and every other
    row adds the gap between its neighbours divided by the objective's range. Duplicated rows
    count once: the first copy gets the value, the others 0.

    Args:
        F: objective values of one front, shape (n, m), finite.

    Returns:
        float64 array of shape (n,), larger is less crowded.
    """
    F = np.ascontiguousarray(F, dtype=np.float64)
    if F.shape[0] == 0:
        return np.zeros(0)
    return crowding_sorted(F, lex_order(F))


def _crowding_by_front(F: np.ndarray, rank: np.ndarray) -> np.ndarray:
    n, m = F.shape
    d = np.zeros(n)
    order = np.argsort(rank, kind="mergesort")
    a = 0
    while a < n:
        b = a + 1
        while b < n and rank[order[b]] == rank[order[a]]:
            b += 1
        idx = order[a:b]
        sub = np.empty((b - a, m))
        for t in range(b - a):
            sub[t] = F[idx[t]]
        # lexicographic order of the front, by stable passes from the last column
        lex = np.arange(b - a)
        for c in range(m - 1, -1, -1):
            key = np.empty(b - a)
            for t in range(b - a):
                key[t] = sub[lex[t], c]
            lex = lex[np.argsort(key, kind="mergesort")]
        dd = crowding_sorted(sub, lex)
        for t in range(b - a):
            d[idx[t]] = dd[t]
        a = b
    return d


crowding_by_front = jit(_crowding_by_front)


def crowding_distance_by_front(F: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Crowding distance computed separately within each front.

    Args:
        F: objective values, shape (n, m), finite.
        rank: front index of each row, shape (n,), as from ``non_dominated_rank``.

    Returns:
        float64 array of shape (n,).
    """
    F = np.ascontiguousarray(F, dtype=np.float64)
    return crowding_by_front(F, np.asarray(rank, dtype=np.int64))
