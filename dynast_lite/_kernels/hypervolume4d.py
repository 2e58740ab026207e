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
Points that share their 4th objective with the next one add no volume until the last of them,
so their 3-D contributions are skipped and the 3-D volume is summed once after that last one,
in one pass up the list (the 5-D sweep's limited sets put many points at the same height).
A point that goes to the top of the list, when the staircase already holds every node, finds
its neighbours by walking that staircase rather than by rebuilding it (the 5-D sweep sorts the
points at one height so that each goes to the top).

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


def _list_volume(X, Xz, order, right, left, link0, link1, m: int, left_end, right_end, ref2: float) -> float:
    """3-D hypervolume of the list's nodes, swept up the list: each node, linked between its
    staircase neighbours, adds its free area (the nodes it hides are walked once)."""
    link0[left_end] = right_end
    link1[right_end] = left_end
    area = 0.0
    volume = 0.0
    for i in range(m):
        p = order[i]
        r, lft = right[p], left[p]
        area += _free_area_jit(X, link0, link1, Xz[i, 0], Xz[i, 1], r, True)
        link0[p] = r
        link1[p] = lft
        link1[r] = p
        link0[lft] = p
        upper = Xz[i + 1, 2] if i + 1 < m else ref2
        volume += area * (upper - Xz[i, 2])
    return volume


_list_volume_jit = jit(_list_volume)


#: from this many nodes in the list, a point's staircase neighbours are found by walking the
#: rebuilt staircase rather than by comparing every node on the way up (whose branches the CPU
#: cannot predict: 22% less time at N = 1,000, 4 objectives; 8% more at N = 100)
WALK_FROM = 48


def _hv_4d_core(X: np.ndarray, n: int, ref: np.ndarray, Xz: np.ndarray, links: np.ndarray) -> float:
    # X[:n]: the points, sorted by the 4th objective (rows n and n + 1 become the sentinels);
    # the work arrays of at least n + 2 rows are reused by the 5-D sweep
    left_end, right_end = np.uint32(n), np.uint32(n + 1)
    inf = np.inf
    X[left_end, 0], X[left_end, 1], X[left_end, 2] = -inf, ref[1], -inf
    X[right_end, 0], X[right_end, 1], X[right_end, 2] = ref[0], -inf, -inf
    # the list, as arrays in the order of the 3rd objective: node ids and their coordinates
    # (scanned front to back, so no pass waits on the previous node to find the next)
    order = links[0]
    m = 0
    right = links[1]  # staircase neighbour below it: smaller 2nd, smallest 1st
    left = links[2]  # staircase neighbour below it: smaller 1st, smallest 2nd
    link0 = links[3]  # rebuilt staircase: next node to the right
    link1 = links[4]  # rebuilt staircase: next node to the left
    volume = 0.0
    total = 0.0
    stale = False
    # while ``standing``, the staircase (link0, link1) holds every node of the list but
    # ``pending`` (the node last put at the top, not linked in yet), so a point that goes to the
    # top walks it instead of rebuilding it
    standing = False
    pending = -1
    for k in range(n):
        x0, x1, x2 = X[k, 0], X[k, 1], X[k, 2]
        on_top = m == 0
        if not on_top:
            t0, t1, t2 = Xz[m - 1, 0], Xz[m - 1, 1], Xz[m - 1, 2]
            on_top = x2 > t2 or (x2 == t2 and (x1 > t1 or (x1 == t1 and x0 >= t0)))
        if standing and on_top:
            # 1'. k goes to the top: link the pending node in; the walk below finds k's
            # neighbours on the staircase of the whole list.
            if pending >= 0:
                r, lft = right[pending], left[pending]
                link0[pending] = r
                link1[pending] = lft
                link1[r] = pending
                link0[lft] = pending
                pending = -1
            pos = m
            dominated = False
            walk = True
        else:
            # 1. Rebuild the staircase at this height and find k's neighbours and place.
            standing, pending = False, -1
            link0[left_end] = right_end
            link1[right_end] = left_end
            pos = m
            dominated = False
            walk = m >= WALK_FROM
            best_right, best_left = right_end, left_end
            br0, br1 = X[right_end, 0], X[right_end, 1]
            bl0, bl1 = X[left_end, 0], X[left_end, 1]
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
                if walk:
                    continue
                if p1 < x1 and (p0 < br0 or (p0 == br0 and p1 < br1)):
                    best_right, br0, br1 = p, p0, p1
                elif p0 < x0 and (p1 < bl1 or (p1 == bl1 and p0 < bl0)):
                    best_left, bl0, bl1 = p, p0, p1
            # the whole list is linked when k goes to the top: it stands for the next point
            standing = pos == m and not dominated
        if walk and not dominated:
            # k's neighbours: walk the staircase rightwards from the left end over the nodes
            # above k's 2nd objective; the last of them left of k is its left neighbour, the
            # first one not above it covers k or is its right neighbour
            best_left = left_end
            u = link0[left_end]
            while X[u, 1] > x1:
                if X[u, 0] < x0:
                    best_left = u
                u = link0[u]
            dominated = X[u, 0] <= x0
            if X[u, 1] == x1:
                u = link0[u]
            best_right = u
        if not dominated and pos == m:
            pending = k
        elif not dominated:
            standing = False  # k goes inside the list: step 2 and 3 relink the nodes above it
        flat = k + 1 < n and X[k + 1, 3] == X[k, 3]  # no slab above k: its volume is not needed yet
        if not dominated:
            right[k] = best_right
            left[k] = best_left
        if not dominated and (flat or stale):
            stale = True
        elif not dominated:
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
        if not dominated:
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
        if stale and not flat:
            volume = _list_volume_jit(X, Xz, order, right, left, link0, link1, m, left_end, right_end, ref[2])
            stale = False
            standing, pending = True, -1  # the sum linked every node
        height = (X[k + 1, 3] if k + 1 < n else ref[3]) - X[k, 3]
        total += volume * height
    return total


hv_4d_core = jit(_hv_4d_core)


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
    if c == 0:
        return 0.0
    X = np.empty((c + 2, 4))  # the sorted rows, then HV4D+'s sentinels
    for j in range(c):
        r = keep[order[j]]
        X[j, 0], X[j, 1], X[j, 2], X[j, 3] = F[r, 0], F[r, 1], F[r, 2], F[r, 3]
    return hv_4d_core(X, c, ref, np.empty((c, 3)), np.empty((5, c + 2), np.uint32))


hv_4d_points = jit(_hv_4d_points)


#: up to this many points, a 4-D volume is summed by inclusion-exclusion (2^k boxes) rather
#: than by HV4D+, whose set-up costs more for a handful of points
INEX_MAX = 5


def _hv_inex_4d(L: np.ndarray, k: int, ref: np.ndarray) -> float:
    """4-D hypervolume of rows ``L[:k]`` by inclusion-exclusion over their subsets (positive and
    negative terms summed apart, for accuracy)."""
    plus = 0.0
    minus = 0.0
    for mask in range(1, 1 << k):
        m0 = m1 = m2 = m3 = -np.inf
        size = 0
        for j in range(k):
            if mask & (1 << j):
                size += 1
                m0, m1, m2, m3 = max(m0, L[j, 0]), max(m1, L[j, 1]), max(m2, L[j, 2]), max(m3, L[j, 3])
        box = (ref[0] - m0) * (ref[1] - m1) * (ref[2] - m2) * (ref[3] - m3)
        if size & 1:
            plus += box
        else:
            minus += box
    return plus - minus


hv_inex_4d = jit(_hv_inex_4d)


def _sort_floor(L: np.ndarray, k: int, height: float) -> None:
    """Sort the leading rows of ``L[:k]`` whose 4th objective is ``height`` (the floor of a
    limited set) by their 3rd, 2nd and 1st objectives, in place (insertion sort: a few rows).
    HV4D+ then appends each of them at the top of its list: no list shift, no neighbours above
    to update (17% less time at M = 5, N = 100)."""
    b = 0
    while b < k and L[b, 3] == height:
        b += 1
    for i in range(1, b):
        r0, r1, r2 = L[i, 0], L[i, 1], L[i, 2]
        j = i - 1
        while j >= 0 and (
            L[j, 2] > r2 or (L[j, 2] == r2 and (L[j, 1] > r1 or (L[j, 1] == r1 and L[j, 0] > r0)))
        ):
            L[j + 1, 0], L[j + 1, 1], L[j + 1, 2] = L[j, 0], L[j, 1], L[j, 2]
            j -= 1
        L[j + 1, 0], L[j + 1, 1], L[j + 1, 2] = r0, r1, r2


sort_floor = jit(_sort_floor)


def _hv_5d_points(F: np.ndarray, ref: np.ndarray) -> float:
    """5-D hypervolume by a sweep along the 5th objective: each point adds its 4-D contribution,
    its box minus the 4-D hypervolume of the points so far limited to that box. The points so
    far are kept sorted by the 4th objective, which limiting to a box does not disturb, so each
    contribution is one HV4D+ pass with no sorting beyond the rows that limiting lifts to the
    new point's own 4th objective (sorted by the 3rd); points a new one dominates are dropped."""
    n = F.shape[0]
    keep = np.empty(n, np.int64)
    c = 0
    for i in range(n):
        inside = True
        for d in range(5):
            if not F[i, d] < ref[d]:
                inside = False
                break
        if inside:
            keep[c] = i
            c += 1
    v = np.empty(c)
    for j in range(c):
        v[j] = F[keep[j], 4]
    order = np.argsort(v)
    ref4 = ref[:4].copy()
    S = np.empty((c, 4))  # the points so far (4-D), sorted by the 4th objective
    s = 0
    limited = np.empty((c + 2, 4))  # and HV4D+'s two sentinels
    Xz = np.empty((c, 3))
    links = np.empty((5, c + 2), np.uint32)
    p = np.empty(4)
    near = np.empty(4)
    code = np.empty(c, np.int64)
    area = 0.0  # 4-D hypervolume of the points so far
    total = 0.0
    for t in range(c):
        r = keep[order[t]]
        p0, p1, p2, p3 = F[r, 0], F[r, 1], F[r, 2], F[r, 3]
        p[0], p[1], p[2], p[3] = p0, p1, p2, p3
        box = (ref[0] - p0) * (ref[1] - p1) * (ref[2] - p2) * (ref[3] - p3)
        # A point beyond p's box in one objective only, limited to the box, is p moved along
        # that axis; the nearest such point on each axis covers every limited point that goes
        # at least as far along it. Most limited points are dropped by those four alone.
        # code[j]: the one axis along which S[j] goes beyond p's box, or 4 (several axes)
        near[:] = np.inf
        covered_by_one = False
        for j in range(s):
            count = 0
            axis = 0
            for d in range(4):
                if S[j, d] > p[d]:
                    count += 1
                    axis = d
            if count == 0:  # S[j] weakly dominates p in 4-D and comes earlier in the 5th
                covered_by_one = True
                break
            if count == 1:
                code[j] = axis
                if S[j, axis] < near[axis]:
                    near[axis] = S[j, axis]
            else:
                code[j] = 4
        k = 0
        if not covered_by_one:
            taken = 0  # bit d: the nearest point on axis d is kept already
            for j in range(s):
                axis = code[j]
                if axis < 4:  # kept only as the nearest on its axis, once if tied
                    if S[j, axis] != near[axis] or taken & (1 << axis):
                        continue
                    taken |= 1 << axis
                    limited[k, 0], limited[k, 1], limited[k, 2], limited[k, 3] = p0, p1, p2, p3
                    limited[k, axis] = S[j, axis]
                else:
                    if S[j, 0] >= near[0] or S[j, 1] >= near[1] or S[j, 2] >= near[2] or S[j, 3] >= near[3]:
                        continue  # the nearest point on that axis, limited, covers it
                    limited[k, 0] = max(S[j, 0], p0)
                    limited[k, 1] = max(S[j, 1], p1)
                    limited[k, 2] = max(S[j, 2], p2)
                    limited[k, 3] = max(S[j, 3], p3)
                k += 1
        if covered_by_one:
            covered = box
        elif k == 0:
            covered = 0.0
        elif k <= INEX_MAX:
            covered = hv_inex_4d(limited, k, ref4)
        else:
            sort_floor(limited, k, p3)
            covered = hv_4d_core(limited, k, ref4, Xz, links)
        contribution = box - covered
        area += contribution
        upper = F[keep[order[t + 1]], 4] if t + 1 < c else ref[4]
        total += area * (upper - F[r, 4])
        if contribution > 0.0:
            # drop the points p dominates, then put p in place by the 4th objective
            w = 0
            pos = -1
            for j in range(s):
                if p0 <= S[j, 0] and p1 <= S[j, 1] and p2 <= S[j, 2] and p3 <= S[j, 3]:
                    continue
                if pos < 0 and S[j, 3] > p3:
                    pos = w
                if w != j:
                    S[w, 0], S[w, 1], S[w, 2], S[w, 3] = S[j, 0], S[j, 1], S[j, 2], S[j, 3]
                w += 1
            if pos < 0:
                pos = w
            for j in range(w, pos, -1):
                S[j, 0], S[j, 1], S[j, 2], S[j, 3] = S[j - 1, 0], S[j - 1, 1], S[j - 1, 2], S[j - 1, 3]
            S[pos, 0], S[pos, 1], S[pos, 2], S[pos, 3] = p0, p1, p2, p3
            s = w + 1
    return total


hv_5d_points = jit(_hv_5d_points)
