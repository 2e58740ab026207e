"""NSGA-II against pymoo 0.6's NSGA-II on ZDT1-3: n_var 30, pop 100, 200 generations (20,000
evaluations), 10 seeds, same process; hypervolume against 1.1 x the true front's nadir. Both use
SBX(0.9, eta 15), polynomial mutation (eta 20, rate 1/n_var) and duplicate elimination."""

from __future__ import annotations

import pytest
from _harness import seeded, timed
from _mode import pick
from pymoo.algorithms.moo.nsga2 import NSGA2 as PymooNSGA2
from pymoo.optimize import minimize as pymoo_minimize
from pymoo.problems import get_problem

import dynast_lite as dl

SEEDS = pick(1, 10)
GENERATIONS = pick(10, 200)


@pytest.mark.parametrize("impl", ["dynast-lite", "pymoo"])
@pytest.mark.parametrize("name", ["zdt1", "zdt2", "zdt3"])
def test_nsga2_zdt(measure, impl, name):
    problem = getattr(dl.problems, name)()
    ref = 1.1 * problem.pareto_front(2000).max(axis=0)
    dl.minimize(problem, dl.algorithms.NSGA2(pop_size=100, seed=0), n_evals=300)  # load kernels

    def run(seed):
        if impl == "dynast-lite":
            algo = dl.algorithms.NSGA2(pop_size=100, seed=seed)
            res, t = timed(lambda: dl.minimize(problem, algo, n_evals=100 * GENERATIONS))
        else:
            algo = PymooNSGA2(pop_size=100)
            res, t = timed(lambda: pymoo_minimize(get_problem(name), algo, ("n_gen", GENERATIONS), seed=seed))
        return dl.indicators.hypervolume(res.F, ref), t

    results = seeded(measure, f"NSGA-II {name}, pop 100, {100 * GENERATIONS:,} evaluations", run, SEEDS, "hv")
    assert all(hv >= 0 for hv, _ in results)
