"""Every registered algorithm on the 45-gene OFA MobileNetV3 space (surrogate objectives from
real ImageNet measurements) for 250 evaluations, as DyNAS-T runs them: one objective (top-1) for
ga and cmaes, two (top-1, MACs) for nsga2 and age, three (+ params) for unsga3, ctaea and moead.
Each keeps the budget and asks for integer, new candidates only; quality: best top-1, or
hypervolume against the worst of 20,000 random sub-networks."""

from __future__ import annotations

import numpy as np
import pytest
from _harness import seeded, timed
from _mode import pick
from _ofa_surrogate import needs_data, ofa_problem

import dynast_lite as dl
from dynast_lite.algorithms import ALGORITHMS
from dynast_lite.algorithms.registry import objective_range

pytestmark = needs_data


@pytest.mark.parametrize("name", list(ALGORITHMS))
def test_every_algorithm_on_the_ofa_space(measure, name):
    lo, hi = objective_range(name)
    n_obj = lo if hi == lo or lo > 1 else 2
    base, space = ofa_problem(n_obj)
    ref = base.evaluate(space.sample(20_000, np.random.default_rng(99)))[0].max(axis=0)

    def run(seed):
        seen: list[np.ndarray] = []
        problem = dl.Problem(
            base.n_var, n_obj, base.xl, base.xu, evaluate=lambda X: seen.append(X) or base.evaluate_fn(X),
            integer=True,
        )  # fmt: skip
        res, t = timed(
            lambda: dl.minimize(problem, dl.make_algorithm(name, pop_size=50, seed=seed), n_evals=250)
        )
        X = np.concatenate(seen)
        assert X.shape[0] == 250 and len({r.tobytes() for r in X}) == 250 and (X == np.rint(X)).all()
        return (-res.F.min() if n_obj == 1 else dl.indicators.hypervolume(res.F, ref)), t

    seeded(measure, "every algorithm, OFA space, 250 evaluations", run, pick(1, 10), "quality")
    measure.benchmark.extra_info["objectives"] = n_obj
