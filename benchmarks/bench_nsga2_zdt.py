"""NSGA-II against pymoo 0.6's NSGA-II on ZDT1-3: n_var 30, pop 100, 200 generations
(20,000 evaluations), 10 seeds, same process. Hypervolume reference: 1.1 x the true front's
nadir. Both use SBX(0.9, eta 15), polynomial mutation (eta 20, rate 1/n_var) and duplicate
elimination (pymoo's defaults).

    python benchmarks/bench_nsga2_zdt.py [--seeds 10]
"""

from __future__ import annotations

import time

import numpy as np
from _common import median_iqr, seeded_main, table
from pymoo.algorithms.moo.nsga2 import NSGA2 as PymooNSGA2
from pymoo.optimize import minimize as pymoo_minimize
from pymoo.problems import get_problem

import dynast_lite as dl


def run(seeds: int) -> None:
    rows = []
    for name in ("zdt1", "zdt2", "zdt3"):
        problem = getattr(dl.problems, name)()
        front = problem.pareto_front(2000)
        ref = 1.1 * front.max(axis=0)
        dl.minimize(problem, dl.algorithms.NSGA2(pop_size=100, seed=0), n_evals=500)  # load kernels
        hv_ours, hv_pymoo, t_ours, t_pymoo = [], [], [], []
        for seed in range(seeds):
            start = time.perf_counter()
            res = dl.minimize(problem, dl.algorithms.NSGA2(pop_size=100, seed=seed), n_evals=20_000)
            t_ours.append(time.perf_counter() - start)
            hv_ours.append(dl.indicators.hypervolume(res.F, ref))
            start = time.perf_counter()
            theirs = pymoo_minimize(get_problem(name), PymooNSGA2(pop_size=100), ("n_gen", 200), seed=seed)
            t_pymoo.append(time.perf_counter() - start)
            hv_pymoo.append(dl.indicators.hypervolume(theirs.F, ref))
        rows.append(
            [
                name,
                f"{dl.indicators.hypervolume(front, ref):.4f}",
                median_iqr(hv_ours, 4),
                median_iqr(hv_pymoo, 4),
                f"{np.median(hv_ours) - np.median(hv_pymoo):+.4f}",
                f"{np.median(t_ours):.3f}",
                f"{np.median(t_pymoo):.3f}",
                f"{np.median(t_ours) / np.median(t_pymoo):.3f}",
            ]
        )
    print(f"\nNSGA-II, pop 100, 20,000 evaluations, {seeds} seeds: median [IQR]\n")
    print(
        table(
            ["problem", "true HV", "ours HV", "pymoo HV", "median diff", "ours s", "pymoo s", "time ratio"],
            rows,
        )
    )


if __name__ == "__main__":
    seeded_main(run, 10)
