"""Predictor quality on the 725 real ImageNet measurements in ../shared/data: Kendall tau and
MAE of top-1 on held-out rows, ours against DyNAS-T 1.6's predictor re-created with
scikit-learn (non-constant one-hot columns; Ridge with alpha 0.1..10 step 0.1 and RBF SVR
(gamma 'auto', epsilon 0) with C 1..100 step 1, each by 5-fold GridSearchCV scored by MAPE, the
better of the two kept; labels scaled by a power of ten), same splits, same process.

The last row gives our predictor what LINAS gives it: the exact MACs and parameter counts as
extra inputs. Training sizes 50, 100 and 200 take 10 random splits each (the rest is the test set); "all"
is a 5-fold cross-validation (580 rows to train, 145 to test). Fit time on all 725 rows is
reported at the end.

    python benchmarks/bench_predictors.py [--repeats 10] [--coarse]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from _common import machine, table
from _dynast import DynastPredictor
from _ofa_surrogate import SPACE, OFASpace, load_measurements

import dynast_lite as dl
from dynast_lite.predictors import AutoPredictor, KernelRidge, Ridge, kendall_tau


def splits(n: int, size: int | None, repeats: int, rng: np.random.Generator):
    if size is None:
        folds = np.array_split(rng.permutation(n), 5)
        for k in range(5):
            yield np.concatenate([f for j, f in enumerate(folds) if j != k]), folds[k]
        return
    for _ in range(repeats):
        perm = rng.permutation(n)
        yield perm[:size], perm[size:]


def run(repeats: int, coarse: bool) -> None:
    masked = OFASpace(SPACE)
    plain = dl.SearchSpace(SPACE)  # DyNAS-T's one-hot, blocks beyond the depth not masked
    X, top1, macs, params = load_measurements(masked)
    E = np.log(np.column_stack([macs, params]))
    feats = {"masked": masked.features(X), "plain": plain.features(X)}
    # as LINAS feeds them: the exact MACs and parameter counts, log-scaled and standardised
    # (on all rows here; they are known for every sub-network without validating it)
    feats["masked + exact"] = np.c_[feats["masked"], (E - E.mean(axis=0)) / E.std(axis=0)]
    models = {
        "DyNAS-T (sklearn grid)": (lambda: DynastPredictor(coarse), "plain"),
        "ours: AutoPredictor": (lambda: AutoPredictor(), "masked"),
        "ours: KernelRidge": (lambda: KernelRidge(), "masked"),
        "ours: Ridge (GCV)": (lambda: Ridge(), "masked"),
        "ours: AutoPredictor, unmasked": (lambda: AutoPredictor(), "plain"),
        "ours: AutoPredictor + exact MACs, params": (lambda: AutoPredictor(), "masked + exact"),
    }
    rows = []
    for size in (50, 100, 200, None):
        rng = np.random.default_rng(0)
        result = {name: ([], []) for name in models}
        for train, test in splits(len(top1), size, repeats, rng):
            for name, (make, kind) in models.items():
                Phi = feats[kind]
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    pred = make().fit(Phi[train], top1[train]).predict(Phi[test])
                result[name][0].append(kendall_tau(pred, top1[test]))
                result[name][1].append(float(np.abs(pred - top1[test]).mean()))
        for name, (taus, maes) in result.items():
            rows.append(
                [
                    "all (5-fold)" if size is None else size,
                    name,
                    f"{np.mean(taus):.3f} ± {np.std(taus):.3f}",
                    f"{np.mean(maes):.3f}",
                ]
            )
        print(f"size {size} done", flush=True)
    print("\nTop-1 prediction on held-out rows: Kendall tau (mean ± sd over splits) and MAE (points)\n")
    print(table(["train rows", "predictor", "tau", "MAE"], rows))
    times = []
    for name, (make, kind) in models.items():
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            make().fit(feats[kind], top1)
        times.append([name, f"{time.perf_counter() - start:.2f}"])
    print("\nFit on all 725 rows\n")
    print(table(["predictor", "seconds"], times))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--coarse", action="store_true", help="DyNAS-T grids with every tenth value")
    args = parser.parse_args()
    print(machine())
    run(args.repeats, args.coarse)
