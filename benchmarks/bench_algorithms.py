"""The remaining algorithms against pymoo 0.6.2 (and CMA-ES also against the ``cma`` package),
same problems, equal evaluations, same seeds, same process: median [IQR] of the hypervolume
(reference 1.1 x the true front's nadir) or of the best value, and median wall time.

    python benchmarks/bench_algorithms.py [--seeds 10] [--only unsga3-dtlz1 ...]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from _common import machine, table

import dynast_lite as dl
from dynast_lite.reference_directions import das_dennis


@dataclass(frozen=True)
class Case:
    name: str
    ours: Callable[[int], tuple[float, float]]
    peers: dict[str, Callable[[int], tuple[float, float]]]
    higher_is_better: bool


def hv_of(problem: dl.Problem):
    front = problem.pareto_front(5000)
    ref = 1.1 * front.max(axis=0)

    def score(F: np.ndarray, G: np.ndarray | None = None) -> float:
        if G is not None and G.size:
            F = F[(G <= 0).all(axis=1)]
        return dl.indicators.hypervolume(F, ref) if F.size else 0.0

    return score


def timed(fn) -> tuple[object, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def moo_case(label, ours_problem, pymoo_name, pymoo_kwargs, make_ours, make_pymoo, n_evals, n_gen):
    from pymoo.optimize import minimize as pymoo_minimize
    from pymoo.problems import get_problem

    score = hv_of(ours_problem)

    def ours(seed):
        res, t = timed(lambda: dl.minimize(ours_problem, make_ours(seed), n_evals=n_evals))
        return score(res.F, res.G), t

    def pymoo(seed):
        res, t = timed(
            lambda: pymoo_minimize(
                get_problem(pymoo_name, **pymoo_kwargs), make_pymoo(), ("n_gen", n_gen), seed=seed
            )
        )
        F = res.F if res.F is not None else np.zeros((0, ours_problem.n_obj))
        G = res.G if res.G is not None and np.size(res.G) else None
        return score(np.atleast_2d(F), None if G is None else np.atleast_2d(G)), t

    return Case(label, ours, {"pymoo": pymoo}, True)


def cases() -> list[Case]:
    from pymoo.algorithms.moo.age import AGEMOEA as PAGE
    from pymoo.algorithms.moo.ctaea import CTAEA as PCTAEA
    from pymoo.algorithms.moo.moead import MOEAD as PMOEAD
    from pymoo.algorithms.moo.unsga3 import UNSGA3 as PUNSGA3

    W = das_dennis(n_partitions=12, n_obj=3)  # 91 directions
    out = [
        moo_case(
            "U-NSGA-III DTLZ1 (7 var, 400 gen)",
            dl.problems.dtlz1(7, 3),
            "dtlz1",
            {"n_var": 7, "n_obj": 3},
            lambda s: dl.algorithms.UNSGA3(pop_size=91, ref_dirs=W, seed=s),
            lambda: PUNSGA3(ref_dirs=W, pop_size=91),
            91 * 400,
            400,
        ),
        moo_case(
            "U-NSGA-III DTLZ2 (12 var, 250 gen)",
            dl.problems.dtlz2(12, 3),
            "dtlz2",
            {"n_var": 12, "n_obj": 3},
            lambda s: dl.algorithms.UNSGA3(pop_size=91, ref_dirs=W, seed=s),
            lambda: PUNSGA3(ref_dirs=W, pop_size=91),
            91 * 250,
            250,
        ),
        moo_case(
            "MOEA/D DTLZ2 (12 var, 250 gen)",
            dl.problems.dtlz2(12, 3),
            "dtlz2",
            {"n_var": 12, "n_obj": 3},
            lambda s: dl.algorithms.MOEAD(ref_dirs=W, seed=s),
            lambda: PMOEAD(ref_dirs=W),
            91 * 250,
            250,
        ),
        moo_case(
            "AGE-MOEA ZDT1 (30 var, 200 gen)",
            dl.problems.zdt1(),
            "zdt1",
            {},
            lambda s: dl.algorithms.AGEMOEA(pop_size=100, seed=s),
            lambda: PAGE(pop_size=100),
            100 * 200,
            200,
        ),
        moo_case(
            "C-TAEA C2-DTLZ2 (12 var, 300 gen)",
            dl.problems.c2_dtlz2(12, 3),
            "c2dtlz2",
            {"n_var": 12, "n_obj": 3},
            lambda s: dl.algorithms.CTAEA(ref_dirs=W, seed=s),
            lambda: PCTAEA(ref_dirs=W),
            91 * 300,
            300,
        ),
    ]
    out += single_objective_cases()
    return out


def single_objective_cases() -> list[Case]:
    from pymoo.algorithms.soo.nonconvex.cmaes import CMAES as PCMAES
    from pymoo.algorithms.soo.nonconvex.ga import GA as PGA
    from pymoo.optimize import minimize as pymoo_minimize
    from pymoo.problems import get_problem

    def rastrigin(X):
        return 10 * X.shape[1] + (X**2 - 10 * np.cos(2 * np.pi * X)).sum(axis=1)

    def rosenbrock(X):
        return (100 * (X[:, 1:] - X[:, :-1] ** 2) ** 2 + (1 - X[:, :-1]) ** 2).sum(axis=1)

    ras = dl.Problem(10, 1, -5.12, 5.12, evaluate=rastrigin)
    ros = dl.Problem(10, 1, -2.048, 2.048, evaluate=rosenbrock)

    def ga_ours(seed):
        res, t = timed(lambda: dl.minimize(ras, dl.algorithms.GA(pop_size=100, seed=seed), n_evals=20_000))
        return float(res.F.min()), t

    def ga_pymoo(seed):
        res, t = timed(
            lambda: pymoo_minimize(
                get_problem("rastrigin", n_var=10), PGA(pop_size=100), ("n_evals", 20_000), seed=seed
            )
        )
        return float(res.F.min()), t

    def x0(seed):
        return np.random.default_rng(1000 + seed).uniform(-2.048, 2.048, 10)

    def cma_ours(seed):
        algo = dl.algorithms.CMAES(x0=x0(seed), sigma0=0.25, seed=seed)
        res, t = timed(lambda: dl.minimize(ros, algo, n_evals=10_000))
        return float(res.F.min()), t

    def cma_pymoo(seed):
        res, t = timed(
            lambda: pymoo_minimize(
                get_problem("rosenbrock", n_var=10),
                PCMAES(x0=x0(seed), sigma=0.25 * 4.096),
                ("n_evals", 10_000),
                seed=seed,
            )
        )
        return float(res.F.min()), t

    def cma_package(seed):
        import cma

        def run():
            es = cma.CMAEvolutionStrategy(
                x0(seed),
                0.25 * 4.096,
                {"bounds": [-2.048, 2.048], "seed": seed + 1, "maxfevals": 10_000, "verbose": -9},
            )
            while not es.stop():
                X = es.ask()
                es.tell(X, rosenbrock(np.asarray(X)).tolist())
            return es.result.fbest

        best, t = timed(run)
        return float(best), t

    return [
        Case("GA Rastrigin (n 10, 20,000 evals)", ga_ours, {"pymoo": ga_pymoo}, False),
        Case(
            "CMA-ES Rosenbrock (n 10, 10,000 evals)",
            cma_ours,
            {"pymoo": cma_pymoo, "cma": cma_package},
            False,
        ),
    ]


def run(seeds: int, only: list[str]) -> None:
    rows = []
    for case in cases():
        if only and not any(o.lower() in case.name.lower() for o in only):
            continue
        results = {"ours": [case.ours(s) for s in range(seeds)]}
        for peer, fn in case.peers.items():
            results[peer] = [fn(s) for s in range(seeds)]
        fmt = "{:.4f}" if case.higher_is_better else "{:.3g}"
        for who, res in results.items():
            v = np.array([r[0] for r in res])
            t = np.array([r[1] for r in res])
            t_ours = np.median([r[1] for r in results["ours"]])
            lo, mid, hi = (fmt.format(p) for p in np.percentile(v, [25, 50, 75]))
            q = f"{mid} [{lo}, {hi}]"
            rows.append(
                [
                    case.name if who == "ours" else "",
                    who,
                    q,
                    f"{np.median(t):.3f}",
                    "" if who == "ours" else f"{t_ours / np.median(t):.3f}",
                ]
            )
    print(
        f"\n{seeds} seeds: median [IQR]; HV (higher is better) for multi-objective, best f "
        f"(lower is better) for single-objective\n"
    )
    print(table(["case", "who", "quality", "seconds", "ours/peer time"], rows))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--only", nargs="*", default=[])
    args = parser.parse_args()
    print(machine())
    run(args.seeds, args.only)
