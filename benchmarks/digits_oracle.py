"""The ceiling of a better predictor on the digits supernet: LINAS whose top-1 "predictor" is
an oracle, a Gaussian-process mean fitted once on about 2,000 real validations (1,000 random
sub-networks and two evolutionary runs of 500 with seeds the comparison does not use), against
the evolutionary search at 500 validations, by the hypervolume of the validations themselves.

Cross-fitted, the oracle predicts each sub-network it was fitted on from the other four fifths
of its data, so no sub-network's own validation (its luck on these 539 images) enters its
prediction; that is the most a predictor of top-1 from the encoding and exact MACs/params could
know with 20 times LINAS's data. Not cross-fitted, it gives its pool's sub-networks part of
their own measured luck back: the other side, what knowing which sub-networks were lucky is
worth. Not a timing benchmark, so a plain script (9-12 minutes here, most of it the
evolutionary runs' validations):

    python benchmarks/digits_oracle.py [seeds] [objectives]

Objectives: 2 (-top-1, MACs; NSGA-II) or 3 (and params; U-NSGA-III). The oracle only replaces
the top-1 predictor; LINAS's inner search, batches and selection are its defaults.
"""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import bench_linas as B  # noqa: E402  (full sizes outside pytest)

import dynast_lite.tactics.linas as linas  # noqa: E402
from dynast_lite.metrics import get_metric  # noqa: E402
from dynast_lite.predictors import kendall_tau  # noqa: E402
from dynast_lite.predictors.kernel_ridge import KernelRidge  # noqa: E402


class Oracle:
    """A fixed top-1 (%) model of index rows: kernel ridge (a Gaussian process's posterior
    mean) on the inputs LINAS's predictors get (the space's features and log MACs/params,
    standardised on the rows it is fitted on).

    Args:
        ev: the digits ground truth.
        folds: 0 predicts every row with the model of all its rows, so a row it was fitted on
            gets part of its own measured luck back; k > 1 predicts each of those rows with a
            model of the other k - 1 folds instead (cross-fitting), so no sub-network's own
            validation enters its prediction, only its neighbours' (what a predictor can know).
    """

    def __init__(self, ev, folds: int = 0):
        self.ev, self.folds = ev, folds

    def fit(self, X: np.ndarray) -> Oracle:
        """Fit on the real top-1 of rows ``X`` (validated now where not yet)."""
        X = np.unique(np.asarray(X).astype(np.int64), axis=0)
        measurer = SimpleNamespace(cheap=self.ev.values)  # values() answers as a measurer's cheap()
        self._inputs = linas._Inputs(self.ev.space, measurer, ["macs", "params"]).fit(X)
        inputs, y = self._inputs(X), self.ev.values(X, ["accuracy_top1"])["accuracy_top1"]
        self.model = KernelRidge().fit(inputs, y)
        self.fold_of: dict[bytes, int] = {}
        self.fold_models = []
        if self.folds > 1:
            fold = np.random.default_rng(0).permutation(X.shape[0]) % self.folds
            self.fold_of = {row.tobytes(): int(f) for row, f in zip(X, fold, strict=True)}
            self.fold_models = [KernelRidge().fit(inputs[fold != f], y[fold != f]) for f in range(self.folds)]
        self.rows = {row.tobytes() for row in X}
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X).astype(np.int64)
        inputs = self._inputs(X)
        out = self.model.predict(inputs)
        fold = np.array([self.fold_of.get(row.tobytes(), -1) for row in X])
        for f, model in enumerate(self.fold_models):
            if (fold == f).any():
                out[fold == f] = model.predict(inputs[fold == f])
        return out


class _AsObjective:
    """The oracle as LINAS's top-1 predictor: index rows in, objective-form top-1 out."""

    def __init__(self, oracle: Oracle):
        self.oracle = oracle

    def predict(self, X: np.ndarray) -> np.ndarray:
        return get_metric("accuracy_top1").to_objective(self.oracle.predict(X))


def _rows_as_inputs(X: np.ndarray, values: dict | None = None) -> np.ndarray:
    return X  # the oracle builds its own inputs from the index rows


@contextlib.contextmanager
def oracle_predictor(oracle: Oracle):
    """Inside, every LINAS loop predicts top-1 by ``oracle`` (its own predictors are still fitted,
    so the seed stream and everything else stay LINAS's defaults)."""
    fit = linas._fit_surrogate

    def fit_oracle(ctx, targets, known_X, known, seeds):
        if fit(ctx, targets, known_X, known, seeds) is None:
            return None
        return linas._Surrogate(ctx, targets, {"accuracy_top1": _AsObjective(oracle)}, _rows_as_inputs)

    linas._fit_surrogate = fit_oracle
    try:
        yield
    finally:
        linas._fit_surrogate = fit


def run(
    seeds: int,
    n_obj: int = 2,
    linas_budget: int = 100,
    evo_budget: int = 500,
    n_random: int = 1000,
    pool_seeds: tuple[int, ...] = (100, 101),
    n_fresh: int = 300,
) -> dict:
    """Hypervolume curves ``{method: array (seeds, checkpoints)}`` for the evolutionary search,
    LINAS's default, and LINAS with the oracle fitted on the pool, cross-fitted and not; with
    ``"checkpoints"``, ``"ref"``, ``"tau"`` (the oracle's Kendall tau on ``n_fresh`` fresh random
    sub-networks), ``"pool"`` (its rows) and ``"picked from the pool"`` (per LINAS variant, the
    median count of its validations that the pool had validated already)."""
    ev, ref = B.digits_truth()
    ref = ref[:n_obj]
    pool = [ev.space.sample(n_random, np.random.default_rng(1234))]
    pool += [B.ours(ev, "evolutionary", s, n_obj, evo_budget) for s in pool_seeds]
    pool = np.concatenate(pool)
    oracles = {
        "LINAS, oracle of the pool, cross-fitted": Oracle(ev, folds=5).fit(pool),
        "LINAS, oracle of the pool": Oracle(ev).fit(pool),
    }
    fresh = ev.space.sample(n_fresh, np.random.default_rng(4321))
    truth = ev.values(fresh, ["accuracy_top1"])["accuracy_top1"]
    some = next(iter(oracles.values()))
    out: dict = {"ref": ref, "pool": len(some.rows), "tau": kendall_tau(some.predict(fresh), truth)}
    out["picked from the pool"] = {}

    def curves(name: str, tactic: str, budget: int) -> np.ndarray:
        runs = [B.ours(ev, tactic, s, n_obj, budget) for s in range(seeds)]
        known = [sum(row.tobytes() in some.rows for row in X.astype(np.int64)) for X in runs]
        out["picked from the pool"][name] = float(np.median(known))
        return np.array([B.hv_curve(ev, X, ref, n_obj) for X in runs])

    out["evolutionary"] = curves("evolutionary", "evolutionary", evo_budget)
    out["LINAS"] = curves("LINAS", "linas", linas_budget)
    for name, oracle in oracles.items():
        with oracle_predictor(oracle):
            out[name] = curves(name, "linas", linas_budget)
    out["checkpoints"] = [k for k in B.CHECKPOINTS if k <= evo_budget]
    return out


def main(seeds: int = 10, n_obj: int = 2) -> None:
    start = time.perf_counter()
    out = run(seeds, n_obj)
    print(f"reference {out['ref']}; oracle of {out['pool']} rows, Kendall tau {out['tau']:.3f} on fresh ones")
    print(f"validations the pool had made (median per run): {out['picked from the pool']}")
    for name, values in out.items():
        if not isinstance(values, np.ndarray) or values.ndim != 2:
            continue
        med, q25, q75 = np.median(values, 0), *np.percentile(values, [25, 75], axis=0)
        rows = zip(out["checkpoints"], med, q25, q75, strict=False)  # LINAS stops earlier
        print(f"{name}: " + ", ".join(f"{k}: {m:.3f} [{a:.3f}, {b:.3f}]" for k, m, a, b in rows))
    print(f"({time.perf_counter() - start:.0f} s, {seeds} seeds, {n_obj} objectives)")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
