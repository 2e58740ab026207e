"""LINAS ablation: hypervolume after 25-250 validations for several first-batch / later-batch
sizes, uncertainty bonuses (``tactics.linas.OPTIMISM``) and the front each batch is scored
against (``tactics.linas.SCORE_AGAINST_PREDICTED``: the measured sub-networks at their
predicted objectives, or at their measured ones); median and quartiles over seeds. Not a timing
benchmark, so a plain script:

    python benchmarks/linas_ablation.py ofa      # the OFA surrogate, 250 validations (~4 min)
    python benchmarks/linas_ablation.py digits   # real validations on digits, 100 (~10 min)
    python benchmarks/linas_ablation.py ofa 20:10:0,10:5:0.5   # first:batch:kappa
    python benchmarks/linas_ablation.py synthetic 20:10:0:measured,20:10:0:predicted 3 10
        # first:batch:kappa:front, 3 objectives, 10 seeds
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import bench_linas as B  # noqa: E402  (full sizes outside pytest: population 50, 20,000 inner evaluations)

import dynast_lite.tactics.linas as linas  # noqa: E402

CONFIGS = "50:50:0,25:25:0,20:20:0,10:10:0,10:5:0,20:10:0,20:10:0.5,20:10:1"
FRONTS = {"predicted": True, "measured": False}


def _synthetic_truth() -> tuple:
    from _synthetic import SyntheticEvaluator

    return B.with_reference(SyntheticEvaluator())


def main(truth: str, configs: str = CONFIGS, n_obj: str = "2", seeds: str = "5") -> None:
    truths = {
        "ofa": (B.surrogate_truth, 250),
        "digits": (B.digits_truth, 100),
        "synthetic": (_synthetic_truth, 250),
    }
    if truth not in truths:
        raise SystemExit(f"unknown ground truth {truth!r}; choose from {sorted(truths)}")
    make, budget = truths[truth]
    ev, ref = make()
    sizes, optimism, scored = linas.batch_sizes, linas.OPTIMISM, linas.SCORE_AGAINST_PREDICTED
    try:
        for spec in configs.split(","):
            first, batch, kappa, *front = spec.split(":")
            front = front[0] if front else "predicted"
            if front not in FRONTS:
                raise SystemExit(f"unknown front {front!r} in {spec!r}; choose from {sorted(FRONTS)}")
            linas.batch_sizes = lambda n, p, b, f=int(first), k=int(batch): (f, k)
            linas.OPTIMISM = float(kappa)
            linas.SCORE_AGAINST_PREDICTED = FRONTS[front]
            start = time.perf_counter()
            runs = [B.ours(ev, "linas", seed, int(n_obj), budget) for seed in range(int(seeds))]
            curves = np.array([B.hv_curve(ev, X, ref, int(n_obj)) for X in runs])
            q25, med, q75 = np.percentile(curves, [25, 50, 75], axis=0)
            cells = " | ".join(f"{m:.4g} [{a:.4g}, {b:.4g}]" for m, a, b in zip(med, q25, q75, strict=True))
            took = time.perf_counter() - start
            print(f"{truth} {first}/{batch} kappa {kappa} {front} front: {cells} ({took:.0f} s)")
    finally:
        linas.batch_sizes, linas.OPTIMISM, linas.SCORE_AGAINST_PREDICTED = sizes, optimism, scored


if __name__ == "__main__":
    main(*sys.argv[1:5])
