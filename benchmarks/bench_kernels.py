"""Non-dominated ranking and exact hypervolume against moocore (pymoo's backend), same process;
ranks and hypervolumes are checked equal before anything is timed."""

from __future__ import annotations

import moocore
import numpy as np
import pytest
from _harness import paired_ratio
from _mode import pick

from dynast_lite._kernels import non_dominated_rank
from dynast_lite.indicators import hypervolume

IMPLS = ["dynast-lite", "moocore"]
RANK_CASES = pick(
    [(2, 100), (3, 100), (5, 100)],
    [(m, n) for m in (2, 3, 5) for n in (100, 1_000, 5_000, 20_000)],
)
HV_CASES = pick(
    [(m, 100) for m in (2, 3, 4, 5)],
    [(m, n) for m in (2, 3, 4, 5) for n in (100, 1_000)],
)


def points_on_front(rng: np.random.Generator, n: int, m: int) -> np.ndarray:
    """Mutually non-dominated points: the positive orthant of the unit sphere."""
    F = np.abs(rng.normal(size=(n, m)))
    return F / np.linalg.norm(F, axis=1, keepdims=True)


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("m, n", RANK_CASES, ids=[f"M{m}-N{n}" for m, n in RANK_CASES])
def test_ranking(measure, impl, m, n):
    F = np.random.default_rng(0).random((n, m))
    ours, theirs = non_dominated_rank(F), moocore.pareto_rank(F)
    assert np.array_equal(ours, theirs - theirs.min())
    pair = {"dynast-lite": lambda: non_dominated_rank(F), "moocore": lambda: moocore.pareto_rank(F)}
    extra = {"fronts": int(ours.max()) + 1}
    if impl == "moocore":  # as for the hypervolume: the ratio within interleaved rounds
        extra["paired ours/peer"] = paired_ratio(pair["dynast-lite"], pair["moocore"], pick(1, 21))
    measure(pair[impl], f"ranking M={m} N={n:,}", micro=True, **extra)


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("m, n", HV_CASES, ids=[f"M{m}-N{n}" for m, n in HV_CASES])
def test_hypervolume(measure, impl, m, n):
    F = points_on_front(np.random.default_rng(1), n, m)
    ref = np.full(m, 1.1)
    ours, theirs = hypervolume(F, ref), moocore.hypervolume(F, ref=ref)
    assert abs(ours - theirs) <= 1e-12 * theirs
    pair = {"dynast-lite": lambda: hypervolume(F, ref), "moocore": lambda: moocore.hypervolume(F, ref=ref)}
    extra = {"hypervolume": ours, "rel_diff": abs(ours - theirs) / theirs}
    if impl == "moocore":  # the ratio again, ours and the peer's bursts interleaved: immune to drift
        extra["paired ours/peer"] = paired_ratio(pair["dynast-lite"], pair["moocore"], pick(1, 21))
    measure(pair[impl], f"hypervolume M={m} N={n:,}", micro=True, **extra)
