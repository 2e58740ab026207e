"""Non-dominated ranking (Pareto fronts), plain and constrained.

All objectives are minimised. Rank 0 is the first (non-dominated) front. Identical rows never
dominate each other and always share a rank.

The algorithms process points in lexicographic order, so a point can only be dominated by points
seen before it:

* two objectives: each front is summarised by the smallest second objective seen in it, and these
  minima are non-decreasing over the fronts, so a binary search finds a point's front
  (O(n log n)).
* three or more: efficient non-dominated sort with binary search over the fronts (ENS-BS,
  Zhang et al. 2015); whether front k dominates a point is monotone in k, because a member of
  front k+1 that dominates it is itself dominated by a member of front k.

  - three objectives, 700 rows or more: each front is summarised by the 2-D staircase of its
    members' (f1, f2) projections, so one binary search answers "does front k dominate p".
  - four or more, 400 to 65,536 rows: a point's dominators are the intersection of one bitset
    prefix per objective, and a binary search over per-front bitsets finds its rank.
  - otherwise each front's members are scanned newest first, which finds a dominator early.
"""

from __future__ import annotations

import numpy as np

from ._jit import jit
from .sorting import lex_order, rows_equal, staircase_replace


def _rank_2d(F: np.ndarray, order: np.ndarray) -> np.ndarray:
    n = order.shape[0]
    rank = np.empty(n, np.int64)
    front_min = np.empty(n, np.float64)
    n_fronts = 0
    prev = -1
    for t in range(n):
        i = order[t]
        b = F[i, 1]
        if prev >= 0 and F[prev, 0] == F[i, 0] and F[prev, 1] == b:
            rank[i] = rank[prev]
        else:
            lo = 0
            hi = n_fronts
            while lo < hi:
                mid = (lo + hi) >> 1
                if front_min[mid] <= b:
                    lo = mid + 1
                else:
                    hi = mid
            front_min[lo] = b
            if lo == n_fronts:
                n_fronts += 1
            rank[i] = lo
        prev = i
    return rank


rank_2d = jit(_rank_2d)


def _front_dominates(Fs: np.ndarray, first: int, nxt: np.ndarray, t: int) -> bool:
    # Members came earlier in lexicographic order, so objective 0 never needs comparing, and
    # exact duplicates of row t were handled by the caller.
    m = Fs.shape[1]
    j = first
    while j >= 0:
        dominated = True
        for c in range(1, m):
            if Fs[j, c] > Fs[t, c]:
                dominated = False
                break
        if dominated:
            return True
        j = nxt[j]
    return False


front_dominates = jit(_front_dominates)


def _rank_nd(F: np.ndarray, order: np.ndarray) -> np.ndarray:
    n, m = F.shape
    Fs = np.empty((n, m))
    for t in range(n):
        Fs[t] = F[order[t]]
    rank_sorted = np.empty(n, np.int64)
    head = np.full(n, -1, np.int64)
    nxt = np.full(n, -1, np.int64)
    n_fronts = 0
    for t in range(n):
        if t > 0 and rows_equal(Fs, t, t - 1):
            rank_sorted[t] = rank_sorted[t - 1]
            continue
        lo = 0
        hi = n_fronts
        while lo < hi:
            mid = (lo + hi) >> 1
            if front_dominates(Fs, head[mid], nxt, t):
                lo = mid + 1
            else:
                hi = mid
        rank_sorted[t] = lo
        nxt[t] = head[lo]
        head[lo] = t
        if lo == n_fronts:
            n_fronts += 1
    rank = np.empty(n, np.int64)
    for t in range(n):
        rank[order[t]] = rank_sorted[t]
    return rank


rank_nd = jit(_rank_nd)


def _staircase_dominates(xs: np.ndarray, ys: np.ndarray, size: int, y: float, z: float) -> bool:
    # the entry with the largest x <= y has the smallest z among all entries with x <= y
    k = np.searchsorted(xs[:size], y, side="right") - 1
    return k >= 0 and ys[k] <= z


staircase_dominates = jit(_staircase_dominates)


def _rank_3d(F: np.ndarray, order: np.ndarray) -> np.ndarray:
    n = order.shape[0]
    rank = np.empty(n, np.int64)
    # per front: (f1, f2) staircase sorted by f1 ascending, f2 strictly descending
    xs = [np.empty(8)]
    ys = [np.empty(8)]
    sizes = np.zeros(n, np.int64)
    n_fronts = 0
    prev = -1
    for t in range(n):
        i = order[t]
        if prev >= 0 and F[prev, 0] == F[i, 0] and F[prev, 1] == F[i, 1] and F[prev, 2] == F[i, 2]:
            rank[i] = rank[prev]
            prev = i
            continue
        prev = i
        y = F[i, 1]
        z = F[i, 2]
        lo = 0
        hi = n_fronts
        while lo < hi:
            mid = (lo + hi) >> 1
            if staircase_dominates(xs[mid], ys[mid], sizes[mid], y, z):
                lo = mid + 1
            else:
                hi = mid
        rank[i] = lo
        if lo == n_fronts:
            if lo == len(xs):
                xs.append(np.empty(8))
                ys.append(np.empty(8))
            n_fronts += 1
        # No entry of front lo weakly dominates (y, z) in 2-D (it would dominate the point), so
        # the point always enters the staircase, replacing the entries it covers.
        X = xs[lo]
        Y = ys[lo]
        s = sizes[lo]
        pos = np.searchsorted(X[:s], y, side="left")
        q = pos
        while q < s and Y[q] >= z:
            q += 1
        removed = q - pos
        if removed == 0 and s == X.shape[0]:  # full: double the front's arrays
            X2 = np.empty(2 * s)
            Y2 = np.empty(2 * s)
            X2[:s] = X[:s]
            Y2[:s] = Y[:s]
            xs[lo] = X2
            ys[lo] = Y2
            X = X2
            Y = Y2
        sizes[lo] = staircase_replace(X, Y, s, pos, removed, y, z)
    return rank


rank_3d = jit(_rank_3d)


def _rank_bitset(Fs: np.ndarray, by_obj: np.ndarray, stride: int) -> np.ndarray:
    # Rows are renumbered by lexicographic position, so every dominator of position t lies
    # before t. For each objective c, S_c(t) = {j : F[j, c] <= F[t, c]} is a prefix of the order
    # by c; prefixes are stored as bitsets every `stride` positions. The dominators of t are the
    # intersection of its prefixes restricted to positions < t (later members are exact
    # duplicates); objective 0 needs no prefix, since every earlier position has a smaller or
    # equal first objective. Each front keeps a bitset of its members, and "front k holds a dominator of
    # t" is monotone in k, so a binary search over the fronts gives the rank. If the fronts'
    # bitsets would outgrow a memory cap, the rank is taken from the dominators' ranks instead.
    n, m = Fs.shape
    n_words = (n + 63) // 64
    n_blocks = n // stride + 1
    prefix = np.zeros((m, n_blocks, n_words), np.uint64)
    upper = np.empty((m, n), np.int64)
    one = np.uint64(1)
    for c in range(1, m):
        o = by_obj[c]
        a = 0
        while a < n:
            b = a + 1
            while b < n and Fs[o[b], c] == Fs[o[a], c]:
                b += 1
            for t in range(a, b):
                upper[c, o[t]] = b
            a = b
        cur = np.zeros(n_words, np.uint64)
        for t in range(n):
            if t % stride == 0:
                prefix[c, t // stride] = cur
            j = o[t]
            cur[j >> 6] |= one << np.uint64(j & 63)
        if n % stride == 0:
            prefix[c, n // stride] = cur
    max_fronts = max(64, (1 << 22) // n_words)  # front bitsets capped at 32 MB
    front_bits = np.zeros((min(max_fronts, 64), n_words), np.uint64)
    use_front_bits = True
    rank_sorted = np.empty(n, np.int64)
    dom = np.empty(n_words, np.uint64)
    tmp = np.empty(n_words, np.uint64)
    n_fronts = 0
    for t in range(n):
        if t > 0 and rows_equal(Fs, t - 1, t):
            r = rank_sorted[t - 1]
        else:
            last = (t + 63) // 64  # words holding positions < t (and up to the word's end)
            for w in range(last):
                dom[w] = ~np.uint64(0)
            for c in range(1, m):
                u = upper[c, t]
                blk = u // stride
                for w in range(last):
                    tmp[w] = prefix[c, blk, w]
                for pos in range(blk * stride, u):
                    j = by_obj[c, pos]
                    if j < t:
                        tmp[j >> 6] |= one << np.uint64(j & 63)
                for w in range(last):
                    dom[w] &= tmp[w]
            if last > 0 and t % 64 != 0:
                dom[last - 1] &= (one << np.uint64(t % 64)) - one
            if use_front_bits:
                lo = 0
                hi = n_fronts
                while lo < hi:
                    mid = (lo + hi) >> 1
                    hit = False
                    for w in range(last):
                        if dom[w] & front_bits[mid, w]:
                            hit = True
                            break
                    if hit:
                        lo = mid + 1
                    else:
                        hi = mid
                r = lo
            else:
                best = -1
                for w in range(last):
                    x = dom[w]
                    while x != 0 and best < n_fronts - 1:
                        low = x ^ (x & (x - one))
                        x ^= low
                        rr = rank_sorted[w * 64 + int(np.log2(np.float64(low)))]
                        if rr > best:
                            best = rr
                    if best == n_fronts - 1:
                        break
                r = best + 1
        rank_sorted[t] = r
        if r == n_fronts:
            n_fronts += 1
        if use_front_bits:
            if r >= max_fronts:
                use_front_bits = False
            else:
                if r >= front_bits.shape[0]:
                    grown = np.zeros((min(max_fronts, 2 * front_bits.shape[0]), n_words), np.uint64)
                    grown[: front_bits.shape[0]] = front_bits
                    front_bits = grown
                front_bits[r, t >> 6] |= one << np.uint64(t & 63)
    return rank_sorted


rank_bitset = jit(_rank_bitset)

# below these many rows scanning the fronts is cheaper than building staircases or prefixes
STAIRCASE_MIN_ROWS = 700
BITSET_MIN_ROWS = 400
BITSET_MAX_ROWS = 65536
_BITSET_PREFIX_BYTES = 64 << 20


def _bitset_stride(n: int, m: int) -> int:
    # the prefixes take m * (n / stride) * (n / 64) words: denser checkpoints mean fewer bits to
    # add by hand per query, within a memory cap
    for stride in (16, 32, 64):
        if m * (n // stride + 1) * ((n + 63) // 64) * 8 <= _BITSET_PREFIX_BYTES:
            return stride
    return 64


def non_dominated_rank(F: np.ndarray) -> np.ndarray:
    """Pareto rank of every row (0 = first front), all objectives minimised.

    Args:
        F: objective values, shape (n, m), finite.

    Returns:
        int64 array of shape (n,).
    """
    F = np.ascontiguousarray(F, dtype=np.float64)
    if F.ndim != 2:
        raise ValueError(f"F must be 2-D (n, n_obj), got shape {F.shape}")
    n, m = F.shape
    if n == 0:
        return np.zeros(0, np.int64)
    if m == 1:
        return np.unique(F[:, 0], return_inverse=True)[1].astype(np.int64)
    order = lex_order(F)
    if m == 2:
        return rank_2d(F, order)
    if m == 3 and n >= STAIRCASE_MIN_ROWS:
        return rank_3d(F, order)
    if BITSET_MIN_ROWS <= n <= BITSET_MAX_ROWS:
        Fs = F[order]
        # NumPy sorts about twice as fast as numba; ties may land in any order here
        by_obj = np.ascontiguousarray(np.argsort(Fs, axis=0).T).astype(np.int64)
        rank = np.empty(n, np.int64)
        rank[order] = rank_bitset(Fs, by_obj, _bitset_stride(n, m))
        return rank
    return rank_nd(F, order)


def constrained_rank(F: np.ndarray, cv: np.ndarray) -> np.ndarray:
    """Rank under constrained domination (Deb 2000).

    Feasible rows (``cv <= 0``) are ranked by Pareto dominance; every infeasible row comes after
    all feasible ones, ranked by its total constraint violation alone (equal violation, equal
    rank). The objectives of infeasible rows are never read, so they may be NaN (failed
    evaluations carry ``cv = inf``).

    Args:
        F: objective values, shape (n, m).
        cv: total constraint violation, shape (n,), >= 0 or +inf.

    Returns:
        int64 array of shape (n,).
    """
    cv = np.asarray(cv, dtype=np.float64)
    feasible = cv <= 0.0
    rank = np.empty(cv.shape[0], np.int64)
    base = 0
    if feasible.any():
        rank[feasible] = non_dominated_rank(F[feasible])
        base = int(rank[feasible].max()) + 1
    if not feasible.all():
        rank[~feasible] = base + np.unique(cv[~feasible], return_inverse=True)[1]
    return rank
