"""End-to-end runs: the algorithms actually optimise (seeded, so these are exact replays)."""

import numpy as np
import pytest

import dynast_lite as dl
from dynast_lite.indicators import hypervolume, igd


@pytest.mark.slow
@pytest.mark.parametrize("name", ["zdt1", "zdt2", "zdt3"])
def test_nsga2_converges_on_zdt(name):
    problem = getattr(dl.problems, name)()
    front = problem.pareto_front(2000)
    ref = 1.1 * front.max(axis=0)
    res = dl.minimize(problem, dl.algorithms.NSGA2(pop_size=100, seed=0), n_evals=20000)
    assert res.n_evals == 20000
    assert hypervolume(res.F, ref) > 0.98 * hypervolume(front, ref)  # pymoo 0.6: 0.982-0.997
    assert igd(res.F, front) < 0.01


@pytest.mark.slow
def test_nsga2_beats_random_search_on_an_integer_nas_shaped_problem():
    rng = np.random.default_rng(0)
    w = rng.random((2, 45))

    def evaluate(X):  # two conflicting objectives over 45 genes in {0, 1, 2}
        return np.column_stack([(2 - X) @ w[0], X @ w[1]])

    problem = dl.Problem(45, 2, 0, 2, evaluate=evaluate, integer=True)
    ref = np.array([2 * w[0].sum(), 2 * w[1].sum()]) * 1.1
    hv = {}
    for name in ("nsga2", "random"):
        res = dl.minimize(problem, dl.make_algorithm(name, pop_size=50, seed=0), n_evals=2500)
        hv[name] = hypervolume(res.F, ref)
    assert hv["nsga2"] > 1.02 * hv["random"]


@pytest.mark.slow
def test_ga_minimises_a_shifted_sphere():
    problem = dl.Problem(10, 1, -5, 5, evaluate=lambda X: ((X - 1.0) ** 2).sum(axis=1))
    res = dl.minimize(problem, dl.algorithms.GA(pop_size=50, seed=0), n_evals=10000)
    assert res.F.min() < 1e-2 and res.X.shape == (1, 10)
