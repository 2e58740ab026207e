import numpy as np
import pytest

from dynast_lite._kernels import python_impl
from dynast_lite._kernels.niching import (
    age_survival_score,
    associate,
    moead_replace,
    niching,
    perpendicular_distances,
    scalarize,
)
from dynast_lite.reference_directions import das_dennis


def perpendicular_oracle(N, W):
    out = np.empty((len(N), len(W)))
    for i, x in enumerate(N):
        for j, w in enumerate(W):
            u = w / np.linalg.norm(w)
            out[i, j] = np.linalg.norm(x - (x @ u) * u)
    return out


def niching_oracle(n_select, count, niche, dist, niche_pri, member_pri):
    count = count.copy()
    alive = list(range(len(niche)))
    out = []
    for _ in range(n_select):
        options = sorted({niche[i] for i in alive}, key=lambda j: (count[j], niche_pri[j]))
        j = options[0]
        members = [i for i in alive if niche[i] == j]
        if count[j] == 0:
            pick = min(members, key=lambda i: (dist[i], member_pri[i]))
        else:
            pick = min(members, key=lambda i: member_pri[i])
        out.append(pick)
        alive.remove(pick)
        count[j] += 1
    return out


def scalar_oracle(f, w, z, method, theta):
    if method == 0:
        return max(abs(f - z) * np.maximum(w, 1e-6))
    u = w / np.linalg.norm(w)
    d1 = (f - z) @ u
    return d1 + theta * np.linalg.norm(f - z - d1 * u)


def replace_oracle(slot, F, cv, child, parent_of, neighbors, W, ideal, order, max_replace, method, theta):
    slot = slot.copy()
    for t in order:
        r, k, n = child[t], parent_of[t], 0
        for j in neighbors[k]:
            cur = slot[j]
            if cv[r] < cv[cur] or (
                cv[r] == cv[cur] <= 0
                and scalar_oracle(F[r], W[j], ideal, method, theta)
                < scalar_oracle(F[cur], W[j], ideal, method, theta)
            ):
                slot[j] = r
                n += 1
                if max_replace > 0 and n >= max_replace:
                    break
    return slot


def age_oracle(front, extreme, p):
    m = len(front)
    norm = np.maximum((np.abs(front) ** p).sum(1) ** (1 / p), 1e-8)
    dist = np.maximum((np.abs(front[:, None] - front[None]) ** p).sum(2) ** (1 / p), 1e-8) / norm[:, None]
    selected = list(extreme)
    score = np.zeros(m)
    score[extreme] = np.inf
    while len(selected) < m:
        best, val = None, -1.0
        for i in range(m):
            if i in selected:
                continue
            d = np.sort(dist[i, selected])
            v = d[0] + d[1] if len(d) > 1 else d[0]
            if v > val:
                best, val = i, v
        selected.append(best)
        score[best] = val
    return score


def test_perpendicular_distances_and_association(rng):
    N, W = rng.random((30, 3)), das_dennis(n_partitions=4, n_obj=3)
    D = perpendicular_distances(N, W)
    np.testing.assert_allclose(D, perpendicular_oracle(N, W), atol=1e-12)
    niche, dist = associate(N, W)
    assert np.array_equal(niche, D.argmin(axis=1)) and np.allclose(dist, D.min(axis=1))


@pytest.mark.parametrize("trial", range(5))
def test_niching_matches_oracle(rng, trial):
    k, n = 10, 25
    niche = rng.integers(0, k, n)
    dist = rng.integers(0, 3, n).astype(float)  # ties on purpose
    count = rng.integers(0, 2, k)
    pri_n, pri_m = rng.random(k), rng.random(n)
    got = niching(12, count, niche, dist, pri_n, pri_m)
    assert got.tolist() == niching_oracle(12, count, niche, dist, pri_n, pri_m)
    assert np.array_equal(python_impl(niching)(12, count, niche, dist, pri_n, pri_m), got)


@pytest.mark.parametrize("method", [0, 1])
def test_scalarize_matches_formulas(rng, method):
    for _ in range(20):
        f, w, z = rng.random(3), rng.random(3), rng.random(3) * 0.1
        assert scalarize(f, w, z, method, 5.0) == pytest.approx(scalar_oracle(f, w, z, method, 5.0))


@pytest.mark.parametrize("max_replace", [0, 1, 2])
@pytest.mark.parametrize("method", [0, 1])
def test_moead_replace_matches_oracle(rng, max_replace, method):
    W = das_dennis(n_partitions=5, n_obj=3)
    N = len(W)
    neighbors = np.argsort(((W[:, None] - W[None]) ** 2).sum(2), axis=1)[:, :5]
    F = rng.random((2 * N, 3))
    cv = np.where(rng.random(2 * N) < 0.2, rng.integers(1, 3, 2 * N).astype(float), 0.0)
    slot = np.arange(N)
    child = N + np.arange(N)
    parent_of = rng.permutation(N)
    order = rng.permutation(N)
    ideal = F.min(axis=0) - 0.01
    args = (slot, F, cv, child, parent_of, neighbors, W, ideal, order, max_replace, method, 5.0)
    got = moead_replace(*args)
    assert np.array_equal(got, replace_oracle(*args))
    assert np.array_equal(python_impl(moead_replace)(*args), got)


@pytest.mark.parametrize("p", [0.5, 1.0, 2.0])
def test_age_survival_score_matches_oracle(rng, p):
    front = rng.random((15, 3))
    extreme = np.array([0, 5, 9])
    got = age_survival_score(front, extreme, p)
    np.testing.assert_allclose(got, age_oracle(front, extreme, p))
    np.testing.assert_allclose(python_impl(age_survival_score)(front, extreme, p), got)
