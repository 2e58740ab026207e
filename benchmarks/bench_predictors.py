"""Predictor quality on the 725 real ImageNet measurements in ../shared/data: Kendall tau of
top-1 on held-out rows, ours against DyNAS-T 1.6's predictor re-created with scikit-learn
(non-constant one-hot columns; ridge with alpha 0.1..10 and RBF SVR with C 1..100, each by
5-fold grid search scored by MAPE, the better kept; every grid value unless quick), same splits,
same process, and the time to fit on all 725 rows. "+ exact" gives ours what LINAS gives it:
the exact MACs and parameter counts as extra inputs. Training sizes 50, 100, 200 and 400 take 10
random splits each (the rest is the test set); "all" is a 5-fold cross-validation (580 rows).
Across runs: fitted on (a random part of) one DyNAS-T run's measurements and scored on the
other run's, both ways: the two runs searched different regions, so this is the harder test."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from _dynast import DynastPredictor
from _harness import quartiles
from _mode import QUICK, pick
from _ofa_surrogate import RUNS, SPACE, OFASpace, load_measurements, needs_data

import dynast_lite as dl
from dynast_lite.predictors import AutoPredictor, kendall_tau

pytestmark = needs_data

SIZES = pick([50], [50, 100, 200, 400, None])
REPEATS = pick(2, 10)
#: training rows drawn from one run for the across-runs table (None: all of it, ~363)
CROSS_SIZES = pick([50], [50, 100, 200, None])
CROSS_REPEATS = pick(1, 5)
MODELS = {
    "dynast-lite AutoPredictor": (AutoPredictor, "masked"),
    "dynast-lite AutoPredictor + exact MACs, params": (AutoPredictor, "masked + exact"),
    "DyNAS-T predictor (sklearn grid)": (lambda: DynastPredictor(coarse=QUICK), "plain"),
}


@pytest.fixture(scope="module")
def data():
    masked, plain = OFASpace(SPACE), dl.SearchSpace(SPACE)
    X, top1, macs, params = load_measurements(masked)
    E = np.log(np.column_stack([macs, params]))
    feats = {"masked": masked.features(X), "plain": plain.features(X)}
    # the exact MACs and parameter counts, log-scaled and standardised, as LINAS feeds them
    feats["masked + exact"] = np.c_[feats["masked"], (E - E.mean(axis=0)) / E.std(axis=0)]
    run = np.concatenate([np.full(len(load_measurements(masked, (r,))[1]), i) for i, r in enumerate(RUNS)])
    return feats, top1, run


def _fit_predict(make, F: np.ndarray, y: np.ndarray, train: np.ndarray, test: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return make().fit(F[train], y[train]).predict(F[test])


def _splits(n: int, size: int | None, rng: np.random.Generator):
    if size is None:
        folds = np.array_split(rng.permutation(n), 5)
        return [(np.concatenate([f for j, f in enumerate(folds) if j != k]), folds[k]) for k in range(5)]
    return [tuple(np.split(rng.permutation(n), [size])) for _ in range(REPEATS)]


@pytest.mark.parametrize("impl", list(MODELS))
@pytest.mark.parametrize("size", SIZES, ids=[str(s or "all") for s in SIZES])
def test_rank_quality(measure, data, impl, size):
    feats, top1, _ = data
    make, kind = MODELS[impl]
    taus = []

    def every_split():
        taus.clear()
        for train, test in _splits(len(top1), size, np.random.default_rng(0)):
            taus.append(kendall_tau(_fit_predict(make, feats[kind], top1, train, test), top1[test]))

    measure(every_split, f"predictor tau, {size or 'all (5-fold)'} training rows", rounds=1)
    measure.benchmark.extra_info.update({f"tau_{k}": v for k, v in quartiles(taus).items()})


@pytest.mark.parametrize("impl", list(MODELS))
@pytest.mark.parametrize("size", CROSS_SIZES, ids=[str(s or "all") for s in CROSS_SIZES])
def test_rank_quality_across_runs(measure, data, impl, size):
    """Fitted on ``size`` rows of one run (random draws; all of it once), scored on every row of
    the other run; both directions pooled."""
    feats, top1, run = data
    make, kind = MODELS[impl]
    taus = []

    def both_ways():
        taus.clear()
        rng = np.random.default_rng(0)
        for source in range(len(RUNS)):
            rows, test = np.flatnonzero(run == source), np.flatnonzero(run != source)
            draws = (
                [rows]
                if size is None
                else [rng.choice(rows, size, replace=False) for _ in range(CROSS_REPEATS)]
            )
            for train in draws:
                taus.append(kendall_tau(_fit_predict(make, feats[kind], top1, train, test), top1[test]))

    label = "all" if size is None else size
    measure(both_ways, f"predictor tau across runs, {label} training rows of one run", rounds=1)
    measure.benchmark.extra_info.update({f"tau_{k}": v for k, v in quartiles(taus).items()})


@pytest.mark.parametrize("impl", list(MODELS))
def test_fit_time(measure, data, impl):
    feats, top1, _ = data
    make, kind = MODELS[impl]
    n = pick(100, len(top1))

    def fit():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            make().fit(feats[kind][:n], top1[:n])

    measure(fit, f"predictor fit on {n} rows", rounds=pick(1, 3))
