"""Every registered algorithm on the 45-gene OFA MobileNetV3 space (surrogate objectives from
real ImageNet measurements, ``_ofa_surrogate.py``) for 250 evaluations, as DyNAS-T runs them:
one objective (top-1) for ga/cmaes, two (top-1, MACs) for nsga2/age, three (top-1, MACs,
params) for unsga3/ctaea/moead. Checks the budget is kept and every candidate is integer and
new, and reports the quality reached (best top-1, or hypervolume against the worst of 20,000
random sub-networks), 10 seeds.

    python benchmarks/bench_ofa_all_algorithms.py [--seeds 10]
"""

from __future__ import annotations

import time

import numpy as np
from _common import median_iqr, seeded_main, table
from _ofa_surrogate import ofa_problem

import dynast_lite as dl
from dynast_lite.algorithms import ALGORITHMS


def run(seeds: int) -> None:
    rows = []
    for name, cls in ALGORITHMS.items():
        lo, hi = cls.n_obj_range
        n_obj = lo if hi == lo or lo > 1 else 2
        base, space = ofa_problem(n_obj)
        ref = base.evaluate(space.sample(20_000, np.random.default_rng(99)))[0].max(axis=0)
        evals, unique, integral, quality, seconds = [], [], [], [], []
        for seed in range(seeds):
            seen: list[np.ndarray] = []

            def record(X, seen=seen, base=base):
                seen.append(X)
                return base.evaluate_fn(X)

            problem = dl.Problem(base.n_var, n_obj, base.xl, base.xu, evaluate=record, integer=True)
            start = time.perf_counter()
            res = dl.minimize(problem, dl.make_algorithm(name, pop_size=50, seed=seed), n_evals=250)
            seconds.append(time.perf_counter() - start)
            X = np.concatenate(seen)
            evals.append(X.shape[0])
            unique.append(len({r.tobytes() for r in X}))
            integral.append(bool((X == np.rint(X)).all()))
            if n_obj == 1:
                quality.append(-res.F.min())
            else:
                quality.append(dl.indicators.hypervolume(res.F, ref))
        q = median_iqr(quality, 2)
        rows.append(
            [
                name,
                n_obj,
                f"{min(evals)}-{max(evals)}",
                f"{min(unique)}",
                all(integral),
                "top-1 %" if n_obj == 1 else "HV",
                q,
                f"{np.median(seconds):.3f}",
            ]
        )
    print(f"\nEvery algorithm, pop 50, 250 evaluations, {seeds} seeds\n")
    print(
        table(
            [
                "algorithm",
                "objectives",
                "evaluations",
                "min unique",
                "all integer",
                "metric",
                "median [IQR]",
                "seconds",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    seeded_main(run, 10)
