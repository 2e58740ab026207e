"""LINAS ablation: hypervolume after 25-250 validations for several first-batch / later-batch
sizes and uncertainty bonuses (``tactics.linas.OPTIMISM``), 5 seeds, median; the numbers of the
batch ablation in README.md. Not a timing benchmark, so a plain script:

    python benchmarks/linas_ablation.py ofa      # the OFA surrogate, 250 validations (~4 min)
    python benchmarks/linas_ablation.py digits   # real validations on digits, 100 (~10 min)
    python benchmarks/linas_ablation.py ofa 20:10:0,10:5:0.5   # first:batch:kappa
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


def main(truth: str, configs: str = CONFIGS) -> None:
    truths = {"ofa": (B.surrogate_truth, 250), "digits": (B.digits_truth, 100)}
    if truth not in truths:
        raise SystemExit(f"unknown ground truth {truth!r}; choose from {sorted(truths)}")
    make, budget = truths[truth]
    ev, ref = make()
    sizes, optimism = linas.batch_sizes, linas.OPTIMISM
    try:
        for spec in configs.split(","):
            first, batch, kappa = spec.split(":")
            linas.batch_sizes = lambda n, p, b, f=int(first), k=int(batch): (f, k)
            linas.OPTIMISM = float(kappa)
            start = time.perf_counter()
            curves = [B.hv_curve(ev, B.ours(ev, "linas", seed, 2, budget), ref, 2) for seed in range(5)]
            medians = " | ".join(f"{v:.4g}" for v in np.median(curves, axis=0))
            print(f"{truth} {first}/{batch} kappa {kappa}: {medians} ({time.perf_counter() - start:.0f} s)")
    finally:
        linas.batch_sizes, linas.OPTIMISM = sizes, optimism


if __name__ == "__main__":
    main(*sys.argv[1:3])
