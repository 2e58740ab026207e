"""The other algorithms against their peers, same problems, equal evaluations, same process:
U-NSGA-III, MOEA/D, AGE-MOEA and C-TAEA against pymoo 0.6 (hypervolume: reference 1.1 x the
true front's nadir, or 1.1 with objectives normalised by it for the constrained problems), GA
against pymoo (best value), and CMA-ES against pycma (evaluations to reach a target)."""

from __future__ import annotations

import cma
import numpy as np
import pytest
from _harness import seeded, timed
from _mode import pick
from pymoo.algorithms.moo.age import AGEMOEA as PAGE
from pymoo.algorithms.moo.ctaea import CTAEA as PCTAEA
from pymoo.algorithms.moo.moead import MOEAD as PMOEAD
from pymoo.algorithms.moo.unsga3 import UNSGA3 as PUNSGA3
from pymoo.algorithms.soo.nonconvex.ga import GA as PGA
from pymoo.optimize import minimize as pymoo_minimize
from pymoo.problems import get_problem

import dynast_lite as dl
from dynast_lite.reference_directions import das_dennis

SEEDS = pick(1, 10)
W = das_dennis(n_partitions=12, n_obj=3)  # 91 directions, given to both

# name: (ours, pymoo name, pymoo kwargs, our algorithm, pymoo algorithm, generations, normalise)
MOO = {
    "U-NSGA-III DTLZ1 (7 var)": (
        lambda: dl.problems.dtlz1(7, 3),
        "dtlz1",
        {"n_var": 7, "n_obj": 3},
        lambda s: dl.algorithms.UNSGA3(pop_size=91, ref_dirs=W, seed=s),
        lambda: PUNSGA3(ref_dirs=W, pop_size=91),
        400,
        False,
    ),
    "U-NSGA-III DTLZ2 (12 var)": (
        lambda: dl.problems.dtlz2(12, 3),
        "dtlz2",
        {"n_var": 12, "n_obj": 3},
        lambda s: dl.algorithms.UNSGA3(pop_size=91, ref_dirs=W, seed=s),
        lambda: PUNSGA3(ref_dirs=W, pop_size=91),
        250,
        False,
    ),
    "MOEA/D DTLZ2 (12 var)": (
        lambda: dl.problems.dtlz2(12, 3),
        "dtlz2",
        {"n_var": 12, "n_obj": 3},
        lambda s: dl.algorithms.MOEAD(ref_dirs=W, seed=s),
        lambda: PMOEAD(ref_dirs=W),
        250,
        False,
    ),
    "AGE-MOEA ZDT1 (30 var)": (
        lambda: dl.problems.zdt1(),
        "zdt1",
        {},
        lambda s: dl.algorithms.AGEMOEA(pop_size=100, seed=s),
        lambda: PAGE(pop_size=100),
        200,
        False,
    ),
    "C-TAEA C1-DTLZ1 (7 var)": (
        lambda: dl.problems.c1_dtlz1(7, 3),
        "c1dtlz1",
        {"n_var": 7, "n_obj": 3},
        lambda s: dl.algorithms.CTAEA(ref_dirs=W, seed=s),
        lambda: PCTAEA(ref_dirs=W),
        400,
        True,
    ),
    "C-TAEA C2-DTLZ2 (12 var)": (
        lambda: dl.problems.c2_dtlz2(12, 3),
        "c2dtlz2",
        {"n_var": 12, "n_obj": 3},
        lambda s: dl.algorithms.CTAEA(ref_dirs=W, seed=s),
        lambda: PCTAEA(ref_dirs=W),
        400,
        True,
    ),
    "C-TAEA C3-DTLZ4 (12 var)": (
        lambda: dl.problems.c3_dtlz4(12, 3),
        "c3dtlz4",
        {"n_var": 12, "n_obj": 3},
        lambda s: dl.algorithms.CTAEA(ref_dirs=W, seed=s),
        lambda: PCTAEA(ref_dirs=W),
        400,
        True,
    ),
}


def _score(problem: dl.Problem, normalise: bool):
    front = problem.pareto_front(5000)
    nadir = front.max(axis=0)
    scale, ref = (nadir, np.full(problem.n_obj, 1.1)) if normalise else (np.ones(problem.n_obj), 1.1 * nadir)

    def score(F, G) -> float:
        F = np.atleast_2d(F)
        if G is not None and np.size(G):
            F = F[(np.atleast_2d(G) <= 0).all(axis=1)]
        return dl.indicators.hypervolume(F / scale, ref) if F.size else 0.0

    return score


@pytest.mark.parametrize("impl", ["dynast-lite", "pymoo"])
@pytest.mark.parametrize("case", list(MOO))
def test_multi_objective(measure, impl, case):
    make_problem, pymoo_name, pymoo_kwargs, ours, theirs, gens, normalise = MOO[case]
    gens = pick(5, gens)
    problem = make_problem()
    score = _score(problem, normalise)
    n_pop = 100 if "ZDT1" in case else 91

    def run(seed):
        if impl == "dynast-lite":
            res, t = timed(lambda: dl.minimize(problem, ours(seed), n_evals=n_pop * gens))
            return score(res.F, res.G), t
        res, t = timed(
            lambda: pymoo_minimize(
                get_problem(pymoo_name, **pymoo_kwargs), theirs(), ("n_gen", gens), seed=seed
            )
        )
        return (score(res.F, res.G) if res.F is not None else 0.0), t

    seeded(measure, f"{case}, {n_pop * gens:,} evaluations", run, SEEDS, "hv")


def rastrigin(X: np.ndarray) -> np.ndarray:
    return 10 * X.shape[1] + (X**2 - 10 * np.cos(2 * np.pi * X)).sum(axis=1)


@pytest.mark.parametrize("impl", ["dynast-lite", "pymoo"])
def test_ga_rastrigin(measure, impl):
    budget = pick(2_000, 20_000)
    problem = dl.Problem(10, 1, -5.12, 5.12, evaluate=rastrigin)

    def run(seed):
        if impl == "dynast-lite":
            res, t = timed(
                lambda: dl.minimize(problem, dl.algorithms.GA(pop_size=100, seed=seed), n_evals=budget)
            )
        else:
            algo = PGA(pop_size=100)
            res, t = timed(
                lambda: pymoo_minimize(
                    get_problem("rastrigin", n_var=10), algo, ("n_evals", budget), seed=seed
                )
            )
        return float(res.F.min()), t

    seeded(measure, f"GA Rastrigin (n 10), {budget:,} evaluations", run, SEEDS, "best_f")


N = 10
FUNCTIONS = {
    "sphere": lambda X: (X**2).sum(axis=1),
    "ellipsoid": lambda X: (10 ** (6 * np.arange(N) / (N - 1)) * X**2).sum(axis=1),
    "rosenbrock": lambda X: (100 * (X[:, 1:] - X[:, :-1] ** 2) ** 2 + (1 - X[:, :-1]) ** 2).sum(axis=1),
    "rastrigin": rastrigin,
}
TARGET = 1e-8


def _evals_ours(f, seed: int, budget: int) -> float:
    algo = dl.algorithms.CMAES(x0=np.zeros(N), sigma0=0.05, seed=seed).setup(dl.Problem(N, 1, -5, 5))
    spent = 0
    while spent < budget:
        X = algo.ask()
        F = f(X)
        spent += len(X)
        algo.tell(X, F[:, None])
        if F.min() < TARGET:
            return spent
    return np.inf


def _evals_pycma(f, seed: int, budget: int) -> float:
    options = {"bounds": [-5, 5], "seed": seed + 1, "verbose": -9, "maxfevals": budget}
    options.update(tolfun=0, tolx=0, tolfunhist=0)
    es = cma.CMAEvolutionStrategy(np.zeros(N), 0.5, options)
    spent = 0
    while not es.stop():
        X = es.ask()
        F = f(np.asarray(X))
        spent += len(X)
        es.tell(X, F.tolist())
        if F.min() < TARGET:
            return spent
    return np.inf


@pytest.mark.parametrize("impl", ["dynast-lite", "pycma"])
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_cmaes_evaluations_to_target(measure, impl, name):
    """From x0 = 0 with sigma 0.5 in [-5, 5]^10 (``sigma0=0.05`` of the range): evaluations to
    reach 1e-8 (inf: not within the budget)."""
    budget = pick(3_000, 100_000)
    fn = _evals_ours if impl == "dynast-lite" else _evals_pycma

    def run(seed):
        evals, t = timed(lambda: fn(FUNCTIONS[name], seed, budget))
        return evals, t

    seeded(measure, f"CMA-ES {name} (n 10) to 1e-8", run, pick(1, 15), "evaluations")


@pytest.mark.parametrize("impl", ["dynast-lite", "pycma"])
def test_cmaes_integer_ofa_shaped(measure, impl):
    """45 integer genes in {0, 1, 2} (OFA MobileNetV3's shape), f = sum w_i (x_i - t_i)^2 with
    weights from 1 to 100: evaluations until the optimum (0) is found, ours against pycma with
    its integer handling, both from the middle value with a spread of 0.3 of the range."""
    rng = np.random.default_rng(0)
    target, weights = rng.integers(0, 3, 45).astype(float), 10 ** rng.uniform(0, 2, 45)
    budget = pick(2_000, 20_000)

    def f(X):
        return (weights * (np.rint(X) - target) ** 2).sum(axis=1)

    def ours(seed):
        algo = dl.algorithms.CMAES(x0=np.ones(45), seed=seed).setup(dl.Problem(45, 1, 0, 2, integer=True))
        spent = 0
        while spent < budget:
            X = algo.ask()
            F = f(X)
            spent += len(X)
            algo.tell(X, F[:, None])
            if F.min() == 0:
                return spent
        return np.inf

    def pycma(seed):
        options = {"bounds": [-0.5, 2.5], "integer_variables": list(range(45)), "seed": seed + 1}
        options.update(verbose=-9, maxfevals=budget, tolfun=0, tolx=0, tolfunhist=0)
        es = cma.CMAEvolutionStrategy(np.ones(45), 0.9, options)
        spent = 0
        while not es.stop():
            X = es.ask()
            F = f(np.asarray(X))
            spent += len(X)
            es.tell(X, F.tolist())
            if F.min() == 0:
                return spent
        return np.inf

    fn = ours if impl == "dynast-lite" else pycma
    group = "CMA-ES integer, OFA-shaped (45 genes in {0, 1, 2}) to the optimum"
    seeded(measure, group, lambda seed: timed(lambda: fn(seed)), pick(1, 15), "evaluations")
