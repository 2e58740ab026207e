"""NSGA-II on the 45-gene OFA MobileNetV3 search space (each gene in {0, 1, 2}), objectives from
a surrogate fitted to real ImageNet measurements (``_ofa_surrogate.py``): ours against pymoo 0.6
configured exactly as DyNAS-T 1.6 does (IntegerRandomSampling, SBX(prob 0.9, eta 15) and
PM(prob 0.02, eta 20) on floats with RoundingRepair, eliminate_duplicates=True), pop 50, for 250
and 5,000 evaluations, 10 seeds. Reports hypervolume (reference: worst top-1 and MACs of 20,000
random sub-networks), wall time, and how many evaluations were repeats of earlier ones (a repeat
costs a real validation in a NAS run).

    python benchmarks/bench_ofa_integer.py [--seeds 10]
"""

from __future__ import annotations

import time

import numpy as np
from _common import median_iqr, seeded_main, table
from _dynast import dynast_nsga2
from _ofa_surrogate import ofa_problem
from pymoo.core.problem import Problem as PymooProblem
from pymoo.optimize import minimize as pymoo_minimize

import dynast_lite as dl


class Logged(PymooProblem):
    def __init__(self, problem: dl.Problem):
        super().__init__(n_var=problem.n_var, n_obj=2, xl=problem.xl, xu=problem.xu, vtype=int)
        self.inner = problem
        self.rows: list[np.ndarray] = []

    def _evaluate(self, x, out, *args, **kwargs):
        x = np.asarray(x, dtype=float)
        self.rows.append(x)
        out["F"] = self.inner.evaluate(x)[0]


def repeats(X: np.ndarray) -> int:
    return X.shape[0] - len({r.tobytes() for r in X})


def run(seeds: int) -> None:
    problem, space = ofa_problem()
    R = problem.evaluate(space.sample(20_000, np.random.default_rng(99)))[0]
    ref = R.max(axis=0)
    dl.minimize(problem, dl.algorithms.NSGA2(pop_size=50, seed=0), n_evals=100)  # load the kernels
    rows = []
    for budget in (250, 5_000):
        hv_o, hv_p, t_o, t_p, rep_o, rep_p = [], [], [], [], [], []
        for seed in range(seeds):
            seen: list[np.ndarray] = []

            def record(X, seen=seen):
                seen.append(X)
                return problem.evaluate_fn(X)

            ours = dl.Problem(problem.n_var, 2, problem.xl, problem.xu, evaluate=record, integer=True)
            start = time.perf_counter()
            res = dl.minimize(ours, dl.algorithms.NSGA2(pop_size=50, seed=seed), n_evals=budget)
            t_o.append(time.perf_counter() - start)
            hv_o.append(dl.indicators.hypervolume(res.F, ref))
            rep_o.append(repeats(np.concatenate(seen)))
            logged = Logged(problem)
            start = time.perf_counter()
            theirs = pymoo_minimize(logged, dynast_nsga2(50), ("n_gen", budget // 50), seed=seed)
            t_p.append(time.perf_counter() - start)
            hv_p.append(dl.indicators.hypervolume(theirs.F, ref))
            rep_p.append(repeats(np.concatenate(logged.rows)))
        rows.append(
            [
                f"{budget:,}",
                median_iqr(hv_o, 1),
                median_iqr(hv_p, 1),
                f"{np.median(t_o):.3f}",
                f"{np.median(t_p):.3f}",
                f"{np.median(t_o) / np.median(t_p):.3f}",
                f"{np.mean(rep_o):.1f}",
                f"{np.mean(rep_p):.1f}",
            ]
        )
    print(
        f"\nNSGA-II on the OFA MobileNetV3 surrogate, pop 50, {seeds} seeds: median [IQR]; "
        f"HV in (top-1 %) x (MMACs), reference {np.round(ref, 1).tolist()}\n"
    )
    print(
        table(
            [
                "evals",
                "ours HV",
                "DyNAS-T/pymoo HV",
                "ours s",
                "pymoo s",
                "time ratio",
                "ours repeats",
                "pymoo repeats",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    seeded_main(run, 10)
