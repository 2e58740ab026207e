"""Ordering helpers shared by the kernels."""

from __future__ import annotations

import numpy as np

from ._jit import jit


def _sort_tie_runs(F: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Finish a lexicographic sort of ``F``'s rows given their order by the first column.

    Runs of equal first-column values are re-sorted by the remaining columns, stably with respect
    to the row index, so the result does not depend on how the first sort broke ties.
    """
    n, m = F.shape
    a = 0
    while a < n:
        b = a + 1
        while b < n and F[order[b], 0] == F[order[a], 0]:
            b += 1
        if b - a > 1:
            run = np.sort(order[a:b])
            for c in range(m - 1, 0, -1):
                key = np.empty(b - a)
                for t in range(b - a):
                    key[t] = F[run[t], c]
                run = run[np.argsort(key, kind="mergesort")]
            order[a:b] = run
        a = b
    return order


sort_tie_runs = jit(_sort_tie_runs)


def lex_order(F: np.ndarray) -> np.ndarray:
    """Lexicographic order of the rows of ``F`` (first column most significant).

    Equal rows keep their index order.

    Args:
        F: float64 array of shape (n, m), no NaN.

    Returns:
        int64 array of shape (n,): row indices in lexicographic order.
    """
    # NumPy's introsort is about twice as fast as numba's; ties are repaired in the kernel.
    order = np.argsort(F[:, 0]).astype(np.int64)
    return sort_tie_runs(F, order)


def _rows_equal(F: np.ndarray, i: int, j: int) -> bool:
    for c in range(F.shape[1]):
        if F[i, c] != F[j, c]:
            return False
    return True


rows_equal = jit(_rows_equal)


def _staircase_replace(
    xs: np.ndarray, ys: np.ndarray, size: int, pos: int, removed: int, x: float, y: float
) -> int:
    """Replace the ``removed`` entries of a sorted 2-D staircase starting at ``pos`` by (x, y),
    shifting the tail; with ``removed == 0`` it inserts, and the arrays need room for one more.

    Returns:
        the new size.
    """
    if removed == 0:
        for k in range(size, pos, -1):
            xs[k] = xs[k - 1]
            ys[k] = ys[k - 1]
    elif removed > 1:
        shift = removed - 1
        for k in range(pos + 1, size - shift):
            xs[k] = xs[k + shift]
            ys[k] = ys[k + shift]
    xs[pos] = x
    ys[pos] = y
    return size + 1 - removed


staircase_replace = jit(_staircase_replace)
