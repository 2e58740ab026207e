"""NSGA-II on the 45-gene OFA MobileNetV3 search space (objectives from a surrogate of real
ImageNet measurements, ``_ofa_surrogate.py``): ours against pymoo 0.6 configured as DyNAS-T 1.6
does (IntegerRandomSampling, SBX(0.9, 15) and PM(0.02, 20) on floats with rounding repair,
duplicates eliminated), pop 50, 10 seeds; hypervolume against the worst top-1 and MACs of 20,000
random sub-networks, and the evaluations that repeated an earlier one (each costs a real
validation in a NAS run)."""

from __future__ import annotations

import numpy as np
import pytest
from _dynast import dynast_nsga2
from _harness import seeded, timed
from _mode import pick
from _ofa_surrogate import needs_data, ofa_problem
from pymoo.core.problem import Problem as PymooProblem
from pymoo.optimize import minimize as pymoo_minimize

import dynast_lite as dl

pytestmark = needs_data

SEEDS = pick(1, 10)
BUDGETS = pick([250], [250, 5_000])


class Logged(PymooProblem):
    def __init__(self, problem: dl.Problem, rows: list):
        super().__init__(n_var=problem.n_var, n_obj=2, xl=problem.xl, xu=problem.xu, vtype=int)
        self.inner, self.rows = problem, rows

    def _evaluate(self, x, out, *args, **kwargs):
        x = np.asarray(x, dtype=float)
        self.rows.append(x)
        out["F"] = self.inner.evaluate(x)[0]


@pytest.fixture(scope="module")
def ofa():
    problem, space = ofa_problem()
    ref = problem.evaluate(space.sample(20_000, np.random.default_rng(99)))[0].max(axis=0)
    dl.minimize(problem, dl.algorithms.NSGA2(pop_size=50, seed=0), n_evals=100)  # load kernels
    return problem, ref


@pytest.mark.parametrize("impl", ["dynast-lite", "pymoo (DyNAS-T settings)"])
@pytest.mark.parametrize("budget", BUDGETS)
def test_nsga2_ofa_space(measure, ofa, impl, budget):
    problem, ref = ofa
    repeats = []

    def run(seed):
        seen: list[np.ndarray] = []
        if impl == "dynast-lite":
            logged = dl.Problem(
                problem.n_var,
                2,
                problem.xl,
                problem.xu,
                evaluate=lambda X: seen.append(X) or problem.evaluate_fn(X),
                integer=True,
            )
            res, t = timed(
                lambda: dl.minimize(logged, dl.algorithms.NSGA2(pop_size=50, seed=seed), n_evals=budget)
            )
        else:
            res, t = timed(
                lambda: pymoo_minimize(
                    Logged(problem, seen), dynast_nsga2(50), ("n_gen", budget // 50), seed=seed
                )
            )
        X = np.concatenate(seen)
        repeats.append(X.shape[0] - len({r.tobytes() for r in X}))
        return dl.indicators.hypervolume(res.F, ref), t

    seeded(measure, f"NSGA-II on the OFA space, pop 50, {budget:,} evaluations", run, SEEDS, "hv")
    measure.benchmark.extra_info["repeated_evaluations_mean"] = float(np.mean(repeats))
    if impl == "dynast-lite":
        assert max(repeats) == 0
