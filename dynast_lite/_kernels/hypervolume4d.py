"""Exact 4-D hypervolume in O(n^2): a sweep along the 4th objective that adds each point's
3-D contribution to the running 3-D volume, the HV4D+ scheme of Guerreiro & Fonseca (2018).

The points seen so far (their first three objectives, 3-D non-dominated) are kept in a list
sorted by the 3rd objective. Each node also remembers its two neighbours on the 2-D staircase of
the points below it in that order: ``right`` (the point with a smaller 2nd objective and the
smallest 1st) and ``left`` (a smaller 1st objective and the smallest 2nd). With them, the
staircase at any height is rebuilt by one pass up the list, linking each node between its
neighbours in O(1) (``link0``/``link1`` hold the links of the rebuilt staircase), and a new
point's 3-D contribution is swept up the list above it in O(n): each later point cuts the new
point's free 2-D area from above, from the right, or from inside. After the point is added, one
more pass updates the neighbours of the nodes above it and drops the nodes it dominates.

Nodes ``n`` and ``n + 1`` are sentinels, (-inf, ref1, -inf) and (ref0, -inf, -inf): they bound
the staircase on the left and on the right. The list is kept as arrays in its order rather than
as linked nodes, so its passes read memory front to back.
"""

from __future__ import annotations

import numpy as np

from ._jit import jit


def _free_area(X, link0, link1, px0: float, px1: float, q: int, toward_left: bool) -> float:
    """Area not yet dominated in the quadrant of (px0, px1), walking the rebuilt staircase from
    node ``q``: leftwards (over ``link1``) from the right bound when ``toward_left``, else
    rightwards (over ``link0``) from the upper bound."""
    area = 0.0
    if toward_left:
        u = link1[q]
        area = (X[q, 0] - px0) * (X[u, 1] - px1)
        while px0 < X[u, 0]:
            q = u
            u = link1[u]
            area += (X[q, 0] - px0) * (X[u, 1] - X[q, 1])
    else:
        u = link0[q]
        area = (X[q, 1] - px1) * (X[u, 0] - px0)
        while px1 < X[u, 1]:
            q = u
            u = link0[u]
            area += (X[q, 1] - px1) * (X[u, 0] - X[q, 0])
    return area


_free_area_jit = jit(_free_area)


def _hv_4d(P: np.ndarray, ref: np.ndarray) -> float:
    # P: rows that strictly dominate ref, sorted by the 4th objective ascending
    n = P.shape[0]
    if n == 0:
        return 0.0
    left_end, right_end = np.uint32(n), np.uint32(n + 1)
    inf = np.inf
    X = np.empty((n + 2, 3))
    X[:n] = P[:, :3]
    X[left_end, 0], X[left_end, 1], X[left_end, 2] = -inf, ref[1], -inf
    X[right_end, 0], X[right_end, 1], X[right_end, 2] = ref[0], -inf, -inf
    # the list, as arrays in the order of the 3rd objective: node ids and their coordinates
    # (scanned front to back, so no pass waits on the previous node to find the next)
    order = np.empty(n, np.uint32)
    Xz = np.empty((n, 3))
    m = 0
    right = np.empty(n + 2, np.uint32)  # staircase neighbour below it: smaller 2nd, smallest 1st
    left = np.empty(n + 2, np.uint32)  # staircase neighbour below it: smaller 1st, smallest 2nd
    link0 = np.empty(n + 2, np.uint32)  # rebuilt staircase: next node to the right
    link1 = np.empty(n + 2, np.uint32)  # rebuilt staircase: next node to the left
    volume = 0.0
    total = 0.0
    for k in range(n):
        x0, x1, x2 = X[k, 0], X[k, 1], X[k, 2]
        # 1. Rebuild the staircase at this height and find k's neighbours and place.
        link0[left_end] = right_end
        link1[right_end] = left_end
        best_right, best_left = right_end, left_end
        br0, br1 = X[right_end, 0], X[right_end, 1]
        bl0, bl1 = X[left_end, 0], X[left_end, 1]
        pos = m
        dominated = False
        for i in range(m):
            p2 = Xz[i, 2]
            if p2 > x2:
                pos = i
                break
            p0, p1 = Xz[i, 0], Xz[i, 1]
            if p2 == x2 and (p1 > x1 or (p1 == x1 and p0 > x0)):  # k comes before p
                pos = i
                break
            if p0 <= x0 and p1 <= x1:  # and p2 <= x2: p covers k
                dominated = True
                break
            p = order[i]
            r, lft = right[p], left[p]
            link0[p] = r
            link1[p] = lft
            link1[r] = p
            link0[lft] = p
            if p1 < x1 and (p0 < br0 or (p0 == br0 and p1 < br1)):
                best_right, br0, br1 = p, p0, p1
            elif p0 < x0 and (p1 < bl1 or (p1 == bl1 and p0 < bl0)):
                best_left, bl0, bl1 = p, p0, p1
        if not dominated:
            right[k] = best_right
            left[k] = best_left
            # 2. k's 3-D contribution: sweep the nodes above it, each cutting its free area.
            link0[k] = best_right
            link1[k] = best_left
            area = _free_area_jit(X, link0, link1, x0, x1, best_right, True)
            contribution = 0.0
            last_z = x2
            covered = False
            for i in range(pos, m):
                p0, p1, p2 = Xz[i, 0], Xz[i, 1], Xz[i, 2]
                contribution += area * (p2 - last_z)
                if p0 <= x0 and p1 <= x1:
                    covered = True
                    break
                p = order[i]
                link0[p] = right[p]
                link1[p] = left[p]
                if p0 < x0:  # above k's quadrant, to its left: lowers its upper bound
                    if p1 <= X[link1[k], 1]:
                        area -= _free_area_jit(X, link0, link1, x0, p1, link1[k], False)
                        link1[p] = link1[k]
                        link1[link0[p]] = p
                        link1[k] = p
                elif p1 < x1:  # right of k's quadrant, below it: moves its right bound in
                    if p0 <= X[link0[k], 0]:
                        area -= _free_area_jit(X, link0, link1, p0, x1, link0[k], True)
                        link0[p] = link0[k]
                        link0[link1[p]] = p
                        link0[k] = p
                else:  # inside k's quadrant
                    area -= _free_area_jit(X, link0, link1, p0, p1, link0[p], True)
                    link0[link1[p]] = p
                    link1[link0[p]] = p
                last_z = p2
            if not covered:
                contribution += area * (ref[2] - last_z)
            volume += contribution
            # 3. Put k in the list at pos, then, above it, drop the nodes it dominates and
            # update the neighbours of the others.
            for i in range(m, pos, -1):
                order[i] = order[i - 1]
                Xz[i, 0], Xz[i, 1], Xz[i, 2] = Xz[i - 1, 0], Xz[i - 1, 1], Xz[i - 1, 2]
            order[pos] = np.uint32(k)
            Xz[pos, 0], Xz[pos, 1], Xz[pos, 2] = x0, x1, x2
            m += 1
            w = pos + 1
            i = pos + 1
            while i < m:
                p = order[i]
                p0, p1, p2 = Xz[i, 0], Xz[i, 1], Xz[i, 2]
                if p0 <= x0 and p1 <= x1 and (p0 < x0 or p1 < x1):
                    break  # p covers k's projection: no node above p can take k as neighbour
                keep = True
                if x0 <= p0:
                    if x1 <= p1:  # k dominates p (p is above k): p adds nothing any more
                        keep = False
                    elif x0 < p0:
                        q = left[p]
                        if x1 < X[q, 1] or (
                            x1 == X[q, 1] and (x0 < X[q, 0] or (x0 == X[q, 0] and x2 < X[q, 2]))
                        ):
                            left[p] = k
                elif x1 < p1:
                    q = right[p]
                    if x0 < X[q, 0] or (x0 == X[q, 0] and (x1 < X[q, 1] or (x1 == X[q, 1] and x2 < X[q, 2]))):
                        right[p] = k
                if keep:
                    if w != i:
                        order[w] = p
                        Xz[w, 0], Xz[w, 1], Xz[w, 2] = p0, p1, p2
                    w += 1
                i += 1
            if w != i:  # close the gap left by dropped nodes
                while i < m:
                    order[w] = order[i]
                    Xz[w, 0], Xz[w, 1], Xz[w, 2] = Xz[i, 0], Xz[i, 1], Xz[i, 2]
                    w += 1
                    i += 1
                m = w
        height = (P[k + 1, 3] if k + 1 < n else ref[3]) - P[k, 3]
        total += volume * height
    return total


hv_4d = jit(_hv_4d)


def _hv_4d_points(F: np.ndarray, ref: np.ndarray) -> float:
    """4-D hypervolume of any rows: those that do not strictly dominate ``ref`` are dropped,
    the rest sorted by the 4th objective (in compiled code, so small sets pay no NumPy calls)."""
    n = F.shape[0]
    keep = np.empty(n, np.int64)
    c = 0
    for i in range(n):
        if F[i, 0] < ref[0] and F[i, 1] < ref[1] and F[i, 2] < ref[2] and F[i, 3] < ref[3]:
            keep[c] = i
            c += 1
    w = np.empty(c)
    for j in range(c):
        w[j] = F[keep[j], 3]
    order = np.argsort(w)
    P = np.empty((c, 4))
    for j in range(c):
        r = keep[order[j]]
        P[j, 0], P[j, 1], P[j, 2], P[j, 3] = F[r, 0], F[r, 1], F[r, 2], F[r, 3]
    return hv_4d(P, ref)


hv_4d_points = jit(_hv_4d_points)
