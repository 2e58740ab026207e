"""Exact hypervolume (the Lebesgue measure dominated by a set, bounded by a reference point).

* 2 objectives: sort by the first objective and add horizontal strips (O(n log n)).
* 3 objectives: sweep the third objective upwards, keeping the 2-D staircase of the points seen
  so far and its area, updated by each insertion (O(n log n) searches plus array shifts).
* 4 or more: WFG (While, Bradstreet & Barone 2012): the volume is the sum of each point's
  exclusive contribution, its box minus the hypervolume of the later points limited to that box.
  Visiting points by the first objective descending makes every limited set a slab of one fewer
  dimension, so the recursion bottoms out in the 3-D sweep.

The 2-D and 3-D kernels skip points that do not strictly dominate the reference point; the
recursion for 4 or more expects them filtered out (the public wrapper in
``dynast_lite.indicators`` does so).
"""

from __future__ import annotations

import numpy as np

from ._jit import jit
from .sorting import staircase_replace


def _hv_2d(P: np.ndarray, ref: np.ndarray, order: np.ndarray) -> float:
    # order: rows by the first objective ascending (ties in any order)
    volume = 0.0
    y_best = ref[1]
    for t in range(order.shape[0]):
        x = P[order[t], 0]
        y = P[order[t], 1]
        if x >= ref[0]:
            break
        if y < y_best:
            volume += (ref[0] - x) * (y_best - y)
            y_best = y
    return volume


hv_2d = jit(_hv_2d)


def _hv_3d(P: np.ndarray, ref: np.ndarray, order: np.ndarray) -> float:
    # order: rows by the third objective ascending (ties in any order)
    n = P.shape[0]
    xs = np.empty(n + 1)
    ys = np.empty(n + 1)
    size = 0
    area = 0.0
    volume = 0.0
    z_prev = 0.0
    for t in range(n):
        i = order[t]
        x = P[i, 0]
        y = P[i, 1]
        z = P[i, 2]
        if z >= ref[2]:
            break
        if t > 0:
            volume += area * (z - z_prev)
        z_prev = z
        if x >= ref[0] or y >= ref[1]:
            continue
        pos = np.searchsorted(xs[:size], x, side="left")  # first entry with x' >= x
        if pos > 0 and ys[pos - 1] <= y:
            continue  # covered by an entry with a smaller x
        if pos < size and xs[pos] == x and ys[pos] <= y:
            continue  # covered by an entry with the same x
        # The new point covers entries from pos while their y >= its y; add the area it covers
        # beyond the old staircase, segment by segment.
        cur_x = x
        cur_y = ys[pos - 1] if pos > 0 else ref[1]
        q = pos
        gain = 0.0
        while q < size and ys[q] >= y:
            gain += (xs[q] - cur_x) * (cur_y - y)
            cur_x = xs[q]
            cur_y = ys[q]
            q += 1
        end_x = xs[q] if q < size else ref[0]
        gain += (end_x - cur_x) * (cur_y - y)
        area += gain
        size = staircase_replace(xs, ys, size, pos, q - pos, x, y)
    if n > 0:
        volume += area * (ref[2] - z_prev)
    return volume


hv_3d = jit(_hv_3d)


def _nondominated_sorted(P: np.ndarray) -> np.ndarray:
    # Rows of P are sorted by the first objective ascending. Returns the indices of the rows not
    # weakly dominated by an earlier kept row. A later row equal in the first objective may still
    # dominate a kept one; WFG stays exact with such a row kept, it only costs time.
    n, m = P.shape
    kept = np.empty(n, np.int64)
    k = 0
    for i in range(n):
        dominated = False
        for a in range(k - 1, -1, -1):
            j = kept[a]
            covers = True
            for c in range(1, m):
                if P[j, c] > P[i, c]:
                    covers = False
                    break
            if covers:
                dominated = True
                break
        if not dominated:
            kept[k] = i
            k += 1
    return kept[:k]


nondominated_sorted = jit(_nondominated_sorted)


def _hv_rec(P: np.ndarray, ref: np.ndarray) -> float:
    # P: any rows. For m >= 4, rows are visited by the first objective descending: the later
    # rows limited to row i's box all share row i's first objective, so the volume they take
    # from its box is a slab, (ref[0] - P[i, 0]) times an (m-1)-D hypervolume.
    n, m = P.shape
    if n == 0:
        return 0.0
    if m == 2:
        return hv_2d(P, ref, np.argsort(P[:, 0]))
    if m == 3:
        return hv_3d(P, ref, np.argsort(P[:, 2]))
    order = np.argsort(-P[:, 0], kind="mergesort")
    total = 0.0
    limited = np.empty((n, m - 1))
    sub_ref = ref[1:].copy()
    for t in range(n):
        i = order[t]
        exclusive = 1.0
        for c in range(1, m):
            exclusive *= ref[c] - P[i, c]
        k = n - t - 1
        if k > 0:
            for a in range(k):
                j = order[t + 1 + a]
                for c in range(1, m):
                    limited[a, c - 1] = max(P[j, c], P[i, c])
            by_first = np.argsort(limited[:k, 0], kind="mergesort")
            sub = np.empty((k, m - 1))
            for a in range(k):
                sub[a] = limited[by_first[a]]
            keep = nondominated_sorted(sub)
            front = np.empty((keep.shape[0], m - 1))
            for a in range(keep.shape[0]):
                front[a] = sub[keep[a]]
            exclusive -= hv_rec(front, sub_ref)
        total += (ref[0] - P[i, 0]) * exclusive
    return total


hv_rec = jit(_hv_rec)
