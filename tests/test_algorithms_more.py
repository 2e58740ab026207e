"""Beyond the contract: many objectives, restarts within budget, constraints, convergence."""

import numpy as np
import pytest
from test_algorithms_contract import Recorder

import dynast_lite as dl
from dynast_lite.algorithms import ALGORITHMS, algorithms_for
from dynast_lite.indicators import hypervolume, igd
from dynast_lite.reference_directions import das_dennis

MANY = [n for n, c in ALGORITHMS.items() if c.n_obj_range[0] >= 3]


def test_registry_objective_counts_follow_dynast():
    assert algorithms_for(1) == ["ga", "cmaes", "random"]
    assert algorithms_for(2) == ["nsga2", "age", "random"]
    assert algorithms_for(3) == ["unsga3", "ctaea", "moead", "random"]
    with pytest.raises(ValueError, match="algorithms for 3 objective\\(s\\): unsga3, ctaea, moead"):
        dl.make_algorithm("nsga2").setup(Recorder(3).problem)


@pytest.mark.parametrize("name", MANY)
@pytest.mark.parametrize("n_obj", [4, 5])
def test_many_objective_algorithms_beyond_three(name, n_obj):
    rec = Recorder(n_obj)
    res = dl.minimize(rec.problem, dl.make_algorithm(name, pop_size=30, seed=0), n_evals=400)
    X = rec.evaluated
    assert res.n_evals == 400 == len({r.tobytes() for r in X})
    assert res.F.shape[1] == n_obj and np.isfinite(res.F).all() and dl.pareto_front(res.F).all()


@pytest.mark.parametrize("name", sorted(ALGORITHMS))
def test_default_settings_on_the_ofa_shaped_space_for_250_evaluations(name):
    lo, hi = ALGORITHMS[name].n_obj_range
    rec = Recorder(lo if lo > 1 or hi == 1 else 2)
    res = dl.minimize(rec.problem, dl.make_algorithm(name, seed=0), n_evals=250)
    X = rec.evaluated
    assert res.n_evals == X.shape[0] == 250
    assert (X == np.rint(X)).all() and len({r.tobytes() for r in X}) == 250


def test_cmaes_restarts_inside_the_budget():
    # a 6-gene integer plateau: the first run converges fast and restarts must follow
    rec = Recorder(1, n_var=6, n_choices=3)
    algo = dl.algorithms.CMAES(seed=0)
    res = dl.minimize(rec.problem, algo, n_evals=250)
    assert res.n_evals == rec.evaluated.shape[0] <= 250
    assert algo.n_restarts >= 1 and res.X.shape == (1, 6)
    assert res.F[0, 0] == min(rec.problem.evaluate(rec.evaluated)[0][:, 0])


def test_cmaes_without_restarts_keeps_going_on_one_run():
    problem = dl.Problem(5, 1, -3, 3, evaluate=lambda X: (X**2).sum(axis=1))
    algo = dl.algorithms.CMAES(restarts=False, seed=1)
    res = dl.minimize(problem, algo, n_evals=3000)
    assert algo.n_restarts == 0 and res.F[0, 0] < 1e-10


def test_cmaes_settings_are_checked():
    with pytest.raises(ValueError, match="sigma0"):
        dl.algorithms.CMAES(sigma0=0)
    with pytest.raises(ValueError, match=r"x0 must have shape \(3,\)"):
        dl.algorithms.CMAES(x0=[0.0, 0.0]).setup(dl.Problem(3, 1, 0, 1))


def test_ref_dirs_must_match_the_objectives():
    problem = Recorder(3).problem
    for cls in (dl.algorithms.UNSGA3, dl.algorithms.MOEAD, dl.algorithms.CTAEA):
        with pytest.raises(ValueError, match=r"ref_dirs must have shape \(k, 3\)"):
            cls(ref_dirs=das_dennis(n_partitions=4, n_obj=4)).setup(problem)


def test_moead_settings_are_checked():
    with pytest.raises(ValueError, match="unknown decomposition 'weighted'"):
        dl.algorithms.MOEAD(decomposition="weighted")
    with pytest.raises(ValueError, match="max_replace"):
        dl.algorithms.MOEAD(max_replace=0)


def test_constrained_problems_have_feasible_fronts(rng):
    for make in (dl.problems.c1_dtlz1, dl.problems.c2_dtlz2):
        problem = make()
        X = rng.random((300, problem.n_var))
        X[:, problem.n_obj - 1 :] = 0.5
        F, G = problem.evaluate(X)
        if problem.name == "c1_dtlz1":
            assert (G <= 1e-12).all()  # the true front lies in the feasible band
        else:
            assert (G > 0).any() and (G <= 0).any()  # only patches of it are feasible
        front = problem.pareto_front(200)
        assert len(front) > 0 and front.shape[1] == 3


@pytest.mark.slow
@pytest.mark.parametrize("name", ["unsga3", "moead"])
def test_many_objective_convergence_on_dtlz2(name):
    problem = dl.problems.dtlz2()
    res = dl.minimize(
        problem,
        dl.make_algorithm(name, ref_dirs=das_dennis(n_partitions=12, n_obj=3), seed=0),
        n_evals=91 * 250,
    )
    assert igd(res.F, problem.pareto_front(5000)) < 0.06


@pytest.mark.slow
def test_ctaea_finds_the_feasible_front():
    problem = dl.problems.c2_dtlz2()
    res = dl.minimize(
        problem, dl.algorithms.CTAEA(ref_dirs=das_dennis(n_partitions=12, n_obj=3), seed=0), n_evals=91 * 200
    )
    assert res.feasible.all() and (res.G <= 0).all()
    front = problem.pareto_front(2000)
    ref = 1.1 * front.max(axis=0)
    assert hypervolume(res.F, ref) > 0.92 * hypervolume(front, ref)  # 91 points; pymoo: 0.936


@pytest.mark.slow
def test_agemoea_converges_on_zdt1():
    problem = dl.problems.zdt1()
    res = dl.minimize(problem, dl.algorithms.AGEMOEA(pop_size=100, seed=0), n_evals=20000)
    front = problem.pareto_front(2000)
    ref = 1.1 * front.max(axis=0)
    assert hypervolume(res.F, ref) > 0.99 * hypervolume(front, ref)


@pytest.mark.slow
def test_cmaes_solves_rosenbrock():
    def rosenbrock(X):
        return (100 * (X[:, 1:] - X[:, :-1] ** 2) ** 2 + (1 - X[:, :-1]) ** 2).sum(axis=1)

    problem = dl.Problem(10, 1, -2.048, 2.048, evaluate=rosenbrock)
    res = dl.minimize(problem, dl.algorithms.CMAES(sigma0=0.25, seed=0), n_evals=10000)
    assert res.F[0, 0] < 1e-8 and np.allclose(res.X[0], 1.0, atol=1e-3)


@pytest.mark.slow
def test_moead_normalisation_copes_with_objectives_in_different_units():
    base = dl.problems.dtlz2()
    scale = np.array([1.0, 100.0, 10_000.0])  # e.g. top-1 %, MMACs, parameters
    problem = dl.Problem(base.n_var, 3, 0.0, 1.0, evaluate=lambda X: base.evaluate_fn(X) * scale)
    front = base.pareto_front(2000) * scale
    ref = 1.1 * front.max(axis=0)
    hv = {
        norm: hypervolume(
            dl.minimize(
                problem,
                dl.algorithms.MOEAD(ref_dirs=das_dennis(n_partitions=12, n_obj=3), normalize=norm, seed=0),
                n_evals=91 * 100,
            ).F,
            ref,
        )
        for norm in (True, False)
    }
    # normalised, the run is the unscaled run (0.919 of the dense front); raw PBI collapses
    assert hv[True] > 0.9 * hypervolume(front, ref) and hv[False] < 0.5 * hv[True]
