"""Exact hypervolume (the Lebesgue measure dominated by a set, bounded by a reference point).

* 2 objectives: sort by the first objective and add horizontal strips (O(n log n)).
* 3 objectives: sweep the third objective upwards, keeping the 2-D staircase of the points seen
  so far and its area, updated by each insertion (O(n log n) searches plus array shifts).
* 4 objectives: HV4D+ (``hypervolume4d``), O(n^2).
* 5 objectives: a sweep along the 5th objective adding each point's 4-D contribution
  (``hypervolume4d``).
* 6 or more: WFG (While, Bradstreet & Barone 2012): the volume is the sum of each point's
  exclusive contribution, its box minus the hypervolume of the later points limited to that box.
  Visiting points by the first objective descending makes every limited set a slab of one fewer
  dimension, so the recursion bottoms out in the 5-D sweep.

The 2-D and 3-D kernels skip points that do not strictly dominate the reference point; the
recursion for 4 or more expects them filtered out (the public wrapper in
``dynast_lite.indicators`` does so).
"""

from __future__ import annotations

import math

import numpy as np

from ._jit import jit
from .hypervolume4d import hv_4d_points, hv_5d_points
from .sorting import staircase_replace


def _finite_code(F: np.ndarray, ref: np.ndarray) -> int:
    """0 when every value of ``F`` and ``ref`` is finite, 1 when ``F`` is not, 2 when ``ref`` is
    not: the public wrapper's checks in one compiled loop (two NumPy reductions cost 2.4 us, a
    sixth of a 100-point 4-D volume)."""
    n, m = F.shape
    for i in range(n):
        for j in range(m):
            if not math.isfinite(F[i, j]):
                return 1
    for j in range(ref.shape[0]):
        if not math.isfinite(ref[j]):
            return 2
    return 0


finite_code = jit(_finite_code)


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


def _hv_rec(P: np.ndarray, ref: np.ndarray) -> float:
    # P: any rows. For m >= 6, rows are visited by the first objective descending: the later
    # rows limited to row i's box all share row i's first objective, so the volume they take
    # from its box is a slab, (ref[0] - P[i, 0]) times an (m-1)-D hypervolume of their
    # non-dominated limited rows.
    n, m = P.shape
    if n == 0:
        return 0.0
    if m == 2:
        return hv_2d(P, ref, np.argsort(P[:, 0]))
    if m == 3:
        return hv_3d(P, ref, np.argsort(P[:, 2]))
    if m == 4:
        return hv_4d_points(P, ref)
    if m == 5:
        return hv_5d_points(P, ref)
    order = np.argsort(-P[:, 0], kind="mergesort")
    visit = np.empty(n, np.int64)  # when each row is visited
    for t in range(n):
        visit[order[t]] = t
    # Limited to any row's box, the later rows keep their order along the 2nd objective, so one
    # sort serves every slab: its rows come out sorted, and a row can only be dominated by one
    # kept before it (or one tied with it, which WFG tolerates: it stays exact, only slower).
    by_second = np.argsort(P[:, 1], kind="mergesort")
    slab = np.empty((n, m - 1))
    sub_ref = ref[1:].copy()
    total = 0.0
    for t in range(n - 1, -1, -1):
        i = order[t]
        exclusive = 1.0
        for c in range(1, m):
            exclusive *= ref[c] - P[i, c]
        k = 0
        if t < n - 1:
            for a in range(n):
                j = by_second[a]
                if visit[j] <= t:
                    continue
                for c in range(1, m):
                    slab[k, c - 1] = max(P[j, c], P[i, c])
                dominated = False
                for b in range(k - 1, -1, -1):
                    covers = True
                    for c in range(1, m - 1):
                        if slab[b, c] > slab[k, c]:
                            covers = False
                            break
                    if covers:
                        dominated = True
                        break
                if not dominated:
                    k += 1
            exclusive -= hv_rec(slab[:k], sub_ref)
        total += (ref[0] - P[i, 0]) * exclusive
    return total


hv_rec = jit(_hv_rec)
