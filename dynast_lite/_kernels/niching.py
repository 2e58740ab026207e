"""Kernels of the reference-direction algorithms: association to directions, NSGA-III niching,
MOEA/D neighbourhood replacement and AGE-MOEA's survival score."""

from __future__ import annotations

import numpy as np

from ._jit import jit


def _perpendicular_distances(N: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Distance of each row of N (n, m) to each line through the origin along W (k, m)."""
    n, m = N.shape
    k = W.shape[0]
    D = np.empty((n, k))
    for j in range(k):
        wn = 0.0
        for c in range(m):
            wn += W[j, c] * W[j, c]
        for i in range(n):
            dot = 0.0
            nn = 0.0
            for c in range(m):
                dot += N[i, c] * W[j, c]
                nn += N[i, c] * N[i, c]
            d2 = nn - dot * dot / wn
            D[i, j] = np.sqrt(d2) if d2 > 0.0 else 0.0
    return D


perpendicular_distances = jit(_perpendicular_distances)


def _associate(N: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    D = perpendicular_distances(N, W)
    n = N.shape[0]
    niche = np.empty(n, np.int64)
    dist = np.empty(n)
    for i in range(n):
        j = np.argmin(D[i])
        niche[i] = j
        dist[i] = D[i, j]
    return niche, dist


associate = jit(_associate)


def _niching(
    n_select: int,
    niche_count: np.ndarray,
    niche: np.ndarray,
    dist: np.ndarray,
    niche_priority: np.ndarray,
    member_priority: np.ndarray,
) -> np.ndarray:
    """NSGA-III niche-preserving selection of ``n_select`` members of the last front.

    Repeatedly takes the direction with the fewest selected members (ties: lowest
    ``niche_priority``) among those that still have candidates; an empty direction takes its
    closest candidate, others the candidate with the lowest ``member_priority``. The priorities
    are random numbers drawn by the caller, so the kernel itself is deterministic.

    Args:
        n_select: how many to select.
        niche_count: members already selected per direction (from the better fronts), (k,).
        niche, dist: direction of each candidate and its distance to it, (n,).
        niche_priority: (k,) random tie-breakers for directions.
        member_priority: (n,) random tie-breakers for candidates.

    Returns:
        int64 indices of the selected candidates, in selection order.
    """
    count = niche_count.copy()
    n = niche.shape[0]
    taken = np.zeros(n, np.bool_)
    out = np.empty(n_select, np.int64)
    k = count.shape[0]
    has = np.zeros(k, np.int64)
    for i in range(n):
        has[niche[i]] += 1
    for s in range(n_select):
        best = -1
        for j in range(k):
            if has[j] == 0:
                continue
            if (
                best < 0
                or count[j] < count[best]
                or (count[j] == count[best] and niche_priority[j] < niche_priority[best])
            ):
                best = j
        pick = -1
        for i in range(n):
            if taken[i] or niche[i] != best:
                continue
            if pick < 0:
                pick = i
            elif count[best] == 0:
                if dist[i] < dist[pick] or (
                    dist[i] == dist[pick] and member_priority[i] < member_priority[pick]
                ):
                    pick = i
            elif member_priority[i] < member_priority[pick]:
                pick = i
        taken[pick] = True
        out[s] = pick
        count[best] += 1
        has[best] -= 1
    return out


niching = jit(_niching)


def _scalarize(f: np.ndarray, w: np.ndarray, ideal: np.ndarray, method: int, theta: float) -> float:
    # method 0: Tchebycheff max_j w_j |f_j - z_j|; 1: PBI d1 + theta d2
    m = f.shape[0]
    if method == 0:
        v = 0.0
        for c in range(m):
            t = abs(f[c] - ideal[c]) * max(w[c], 1e-6)
            if t > v:
                v = t
        return v
    wn = 0.0
    for c in range(m):
        wn += w[c] * w[c]
    wn = np.sqrt(wn)
    d1 = 0.0
    for c in range(m):
        d1 += (f[c] - ideal[c]) * w[c] / wn
    d2 = 0.0
    for c in range(m):
        r = f[c] - ideal[c] - d1 * w[c] / wn
        d2 += r * r
    return d1 + theta * np.sqrt(d2)


scalarize = jit(_scalarize)


def _moead_replace(
    slot: np.ndarray,
    F: np.ndarray,
    cv: np.ndarray,
    child: np.ndarray,
    parent_of: np.ndarray,
    neighbors: np.ndarray,
    W: np.ndarray,
    ideal: np.ndarray,
    order: np.ndarray,
    max_replace: int,
    method: int,
    theta: float,
) -> np.ndarray:
    """MOEA/D replacement for a batch of children, one per subproblem, in ``order``.

    ``slot[k]`` is the row of ``F``/``cv`` holding subproblem k's solution; child rows are
    ``child[t]``, bred for subproblem ``parent_of[t]``. A child replaces a neighbour's solution
    when it is less infeasible, or both are feasible and its scalarised value is lower; at most
    ``max_replace`` neighbours per child (<= 0: no limit).

    Returns:
        the updated ``slot`` (a copy).
    """
    out = slot.copy()
    T = neighbors.shape[1]
    for t in order:
        r = child[t]
        k = parent_of[t]
        replaced = 0
        for a in range(T):
            j = neighbors[k, a]
            cur = out[j]
            better = False
            if cv[r] < cv[cur]:
                better = True
            elif cv[r] == cv[cur] and cv[r] <= 0.0:
                better = scalarize(F[r], W[j], ideal, method, theta) < scalarize(
                    F[cur], W[j], ideal, method, theta
                )
            if better:
                out[j] = r
                replaced += 1
                if max_replace > 0 and replaced >= max_replace:
                    break
    return out


moead_replace = jit(_moead_replace)


def _note_selected(
    front: np.ndarray,
    s: int,
    selected: np.ndarray,
    norm: np.ndarray,
    p: float,
    best1: np.ndarray,
    best2: np.ndarray,
) -> None:
    # update every unselected point's two smallest scaled distances to the selected set with s
    m, n = front.shape
    for i in range(m):
        if selected[i]:
            continue
        acc = 0.0
        for c in range(n):
            acc += abs(front[i, c] - front[s, c]) ** p
        d = max(acc ** (1.0 / p), 1e-8) / norm[i]
        if d < best1[i]:
            best2[i] = best1[i]
            best1[i] = d
        elif d < best2[i]:
            best2[i] = d


note_selected = jit(_note_selected)


def _age_survival_score(front: np.ndarray, extreme: np.ndarray, p: float) -> np.ndarray:
    """AGE-MOEA diversity score of a normalised first front (Panichella 2019).

    Extreme points score inf. The others are added greedily: each round picks the remaining point
    whose two nearest selected points (Minkowski-p distance divided by the point's own
    p-norm distance to the ideal point) are farthest, and that sum is its score.
    """
    m, n = front.shape
    score = np.zeros(m)
    selected = np.zeros(m, np.bool_)
    norm = np.empty(m)
    for i in range(m):
        acc = 0.0
        for c in range(n):
            acc += abs(front[i, c]) ** p
        norm[i] = max(acc ** (1.0 / p), 1e-8)
    best1 = np.full(m, np.inf)
    best2 = np.full(m, np.inf)
    for e in extreme:
        selected[e] = True
        score[e] = np.inf
    for e in extreme:
        note_selected(front, e, selected, norm, p, best1, best2)
    for _ in range(m - int(selected.sum())):
        pick = -1
        val = -1.0
        for i in range(m):
            if selected[i]:
                continue
            v = best1[i] + best2[i] if best2[i] < np.inf else best1[i]
            if v > val:
                val = v
                pick = i
        selected[pick] = True
        score[pick] = val
        note_selected(front, pick, selected, norm, p, best1, best2)
    return score


age_survival_score = jit(_age_survival_score)
