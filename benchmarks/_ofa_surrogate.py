"""A cheap OFA MobileNetV3-w1.0 stand-in for search benchmarks: top-1 and MACs from ridge models
fitted to the real ImageNet measurements in ``../shared/data`` (725 sub-networks).

Features are one-hot over the 45 genes (20 kernel sizes, 20 expand ratios, 5 stage depths) with
the genes of blocks beyond a stage's depth zeroed, as those blocks do not run. The fits are
linear in those features but not in the genes, because depth switches blocks on and off.
"""

from __future__ import annotations

import ast
import csv
import functools
from pathlib import Path

import numpy as np
import pytest
from _values_evaluator import ValuesEvaluator

import dynast_lite as dl

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
#: mark for the benchmarks built on the measurements: they skip where ``../shared/data`` is absent
needs_data = pytest.mark.skipif(
    not any(DATA.glob("ofa_mbv3_w1.0_imagenet_*.csv")), reason=f"no OFA measurements in {DATA}"
)
SPACE = {
    "ks": {"count": 20, "vars": [3, 5, 7]},
    "e": {"count": 20, "vars": [3, 4, 6]},
    "d": {"count": 5, "vars": [2, 3, 4]},
}


class OFASpace(dl.SearchSpace):
    def active_genes(self, X: np.ndarray) -> np.ndarray:
        depth = np.asarray(X)[:, 40:45] + 2  # choice index 0, 1, 2 -> depth 2, 3, 4
        block_on = (np.arange(20)[None, :] % 4) < np.repeat(depth, 4, axis=1)
        return np.concatenate([block_on, block_on, np.ones((len(X), 5), bool)], axis=1)


#: the two DyNAS-T runs whose measurements are in ``../shared/data``
RUNS = ("evo_ga", "linas_ga")


@functools.cache
def _read_run(run: str) -> tuple[tuple[dict, ...], tuple[float, ...], tuple[float, ...], tuple[float, ...]]:
    """Configs, top-1 (%), MACs and params (millions) of one run's CSV, read once per process
    (the surrogate and the predictor benchmark ask for the runs several times)."""
    configs, top1, macs, params = [], [], [], []
    with open(DATA / f"ofa_mbv3_w1.0_imagenet_{run}.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            config = ast.literal_eval(row["Sub-network"])
            configs.append({k: config[k] for k in SPACE})
            top1.append(float(row["Top-1 Acc (%)"]))
            macs.append(float(row["MACs"]) / 1e6)
            params.append(float(row["Model Parameters"]) / 1e6)
    return tuple(configs), tuple(top1), tuple(macs), tuple(params)


def load_measurements(
    space: OFASpace, runs: tuple[str, ...] = RUNS
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Index rows, top-1 (%), MACs (millions) and parameters (millions) of the sub-networks
    measured in ``runs`` (of :data:`RUNS`), in that order."""
    parts = [_read_run(run) for run in runs]
    configs = [c for part in parts for c in part[0]]
    top1, macs, params = (np.array([v for part in parts for v in part[i]]) for i in (1, 2, 3))
    return space.encode(configs), top1, macs, params


def _ridge(Phi: np.ndarray, y: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    A = np.c_[Phi, np.ones(len(Phi))]
    reg = alpha * np.eye(A.shape[1])
    reg[-1, -1] = 0.0
    return np.linalg.solve(A.T @ A + reg, A.T @ y)


def ofa_problem(n_obj: int = 2) -> tuple[dl.Problem, OFASpace]:
    """Objectives, minimised, over 45 integer genes: -top-1 (%), then MACs (millions), then
    parameters (millions); the first ``n_obj`` of them."""
    space = OFASpace(SPACE)
    X, top1, macs, params = load_measurements(space)
    Phi = space.features(X)
    weights = [_ridge(Phi, -top1), _ridge(Phi, macs), _ridge(Phi, params)][:n_obj]

    def evaluate(X: np.ndarray) -> np.ndarray:
        P = np.c_[space.features(X), np.ones(len(X))]
        return np.column_stack([P @ w for w in weights])

    problem = dl.Problem(
        space.n_var,
        n_obj,
        space.xl,
        space.xu,
        evaluate=evaluate,
        integer=True,
        objective_names=("neg_top1", "macs_m", "params_m")[:n_obj],
        name="ofa_mbv3_surrogate",
    )
    return problem, space


_BLOCKS = np.arange(20)


def block_table_features(X: np.ndarray) -> np.ndarray:
    """One-hot of each block's (kernel size, expand ratio) pair, zero for inactive blocks:
    MACs and parameters are exactly linear in these (residual 1e-6 MACs on all 725 rows)."""
    X = np.asarray(X)
    depth = X[:, 40:45].astype(int) + 2
    active = (_BLOCKS[None, :] % 4) < np.repeat(depth, 4, axis=1)
    ks, e = X[:, :20].astype(int), X[:, 20:40].astype(int)
    out = np.zeros((len(X), 20 * 9 + 1))
    rows = np.repeat(np.arange(len(X)), 20)
    out[rows, (_BLOCKS[None, :] * 9 + ks * 3 + e).ravel()] = active.ravel()
    out[:, -1] = 1.0
    return out


class OFASurrogateEvaluator(ValuesEvaluator):
    """An evaluator standing in for OFA MobileNetV3-w1.0 on ImageNet, built from the real
    measurements: MACs and parameters exact (per-block tables solved from all 725 rows), top-1
    from a gradient-boosting model (a model family none of the compared predictors uses) fitted
    to the measurements of one DyNAS-T run only and scored on the other's. Counts the configs
    whose top-1 it "validates".

    Attributes:
        held_out_tau: Kendall tau of its top-1 against the real top-1 of the run it was not
            fitted to: how faithful a ground truth it is.
    """

    metrics = ("accuracy_top1", "macs", "params")
    exact_metrics = ("macs", "params")
    default_inner_evals = 20_000

    def __init__(self, seed: int = 0, fit_on: str = "evo_ga"):
        from sklearn.ensemble import GradientBoostingRegressor

        from dynast_lite.predictors import kendall_tau

        self.space = OFASpace(SPACE, fixed={"wid": None, "r": [224]})
        X, top1, macs, params = load_measurements(OFASpace(SPACE))
        T = block_table_features(X)
        self.macs_w = np.linalg.lstsq(T, macs * 1e6, rcond=None)[0]
        self.params_w = np.linalg.lstsq(T, params * 1e6, rcond=None)[0]
        self.model = GradientBoostingRegressor(
            n_estimators=400, max_depth=3, learning_rate=0.05, subsample=0.8, random_state=seed
        )
        X_fit, top1_fit, _, _ = load_measurements(OFASpace(SPACE), (fit_on,))
        self.model.fit(self.space.features(X_fit), top1_fit)
        (other,) = (run for run in RUNS if run != fit_on)
        X_out, top1_out, _, _ = load_measurements(OFASpace(SPACE), (other,))
        self.held_out_tau = kendall_tau(self.model.predict(self.space.features(X_out)), top1_out)
        self.validations = 0

    def values(self, X: np.ndarray, metrics) -> dict[str, np.ndarray]:
        out = {}
        if "accuracy_top1" in metrics:
            out["accuracy_top1"] = self.model.predict(self.space.features(X))
        if "macs" in metrics or "params" in metrics:
            T = block_table_features(X)
            out["macs"] = np.rint(T @ self.macs_w)
            out["params"] = np.rint(T @ self.params_w)
        return out
