"""Search efficiency on the OFA MobileNetV3 surrogate (``_ofa_surrogate.OFASurrogateEvaluator``:
exact MACs, top-1 from a model of the real measurements): hypervolume of the measured set
against the number of validations (50..500), 5 seeds, for

* ours: LINAS + NSGA-II, evolutionary NSGA-II, random search (``dl.search``);
* DyNAS-T 1.6's LINAS re-created: pymoo NSGA-II with DyNAS-T's operator settings as the inner
  search (20,000 evaluations), DyNAS-T's predictor (scikit-learn grid searches, every tenth
  grid value to keep the run short) for top-1 and for MACs on plain one-hot features, the
  inner search seeded identically every loop, the final population measured as the next batch
  (repeats included), ``round(num_evals / population)`` loops.

Then the wall time of one LINAS inner search (20,000 predictor evaluations, pop 50, 45 genes),
ours against the DyNAS-T way (pymoo, one prediction call per candidate).

    python benchmarks/bench_linas.py [--seeds 5]
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from _common import seeded_main, table
from _dynast import DynastPredictor, dynast_nsga2
from _ofa_surrogate import OFASurrogateEvaluator

import dynast_lite as dl

BUDGET, POP, CHECKPOINTS = 500, 50, (50, 100, 150, 200, 250, 300, 400, 500)


def hv_curve(ev: OFASurrogateEvaluator, X_in_order: np.ndarray, ref: np.ndarray) -> list[float]:
    vals = ev.values(X_in_order, ["accuracy_top1", "macs"])
    F = np.column_stack([-vals["accuracy_top1"], vals["macs"] / 1e6])
    return [dl.indicators.hypervolume(np.unique(F[:k], axis=0), ref) for k in CHECKPOINTS]


def ours(ev: OFASurrogateEvaluator, tactic: str, seed: int) -> np.ndarray:
    res = dl.search(
        ev,
        ev.space,
        ["accuracy_top1", "macs"],
        search_tactic=tactic,
        search_algo="nsga2",
        num_evals=BUDGET,
        population=POP,
        seed=seed,
        results_path=None,
    )
    return ev.space.encode([r.config for r in res.records])


def _PredictedProblem(plain: dl.SearchSpace, p_acc, p_macs):
    """pymoo problem of predicted (-top-1, MACs), batched."""
    from pymoo.core.problem import Problem

    class Predicted(Problem):
        def __init__(self):
            super().__init__(n_var=45, n_obj=2, xl=0, xu=2, vtype=int)

        def _evaluate(self, x, out, *args, **kwargs):
            f = plain.features(np.asarray(x, dtype=float))
            out["F"] = np.column_stack([-p_acc.predict(f), p_macs.predict(f)])

    return Predicted()


def dynast_linas(ev: OFASurrogateEvaluator, seed: int) -> np.ndarray:
    from pymoo.optimize import minimize

    plain = dl.SearchSpace(ev.space.to_dict())  # DyNAS-T's one-hot: inactive blocks not masked
    rng = np.random.default_rng(seed)
    batch = rng.integers(0, 3, (POP, ev.space.n_var)).astype(float)
    measured_X, acc, macs = [], [], []
    for _loop in range(round(BUDGET / POP)):
        vals = ev.values(batch, ["accuracy_top1", "macs"])
        measured_X.append(batch)
        acc.append(vals["accuracy_top1"])
        macs.append(vals["macs"])
        Xm = np.concatenate(measured_X)
        Phi = plain.features(Xm)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p_acc = DynastPredictor(coarse=True).fit(Phi, np.concatenate(acc))
            p_macs = DynastPredictor(coarse=True).fit(Phi, np.concatenate(macs))

        predicted = _PredictedProblem(plain, p_acc, p_macs)
        algo = dynast_nsga2(POP)
        res = minimize(predicted, algo, ("n_gen", 20_000 // POP), seed=seed)
        batch = np.asarray(res.pop.get("X"), dtype=float)
    return np.concatenate(measured_X)


def inner_loop_times(ev: OFASurrogateEvaluator) -> list[list[str]]:
    from pymoo.core.problem import Problem
    from pymoo.optimize import minimize

    space = ev.space
    X = space.sample(250, np.random.default_rng(0))
    y = ev.values(X, ["accuracy_top1"])["accuracy_top1"]
    ours_pred = dl.predictors.AutoPredictor().fit(space.features(X), y)

    def evaluate(Z):
        return np.column_stack(
            [
                -ours_pred.predict(space.features(Z)),
                [r["macs"] for r in ev.measure(space.decode(Z), ["macs"])],
            ]
        )

    problem = dl.Problem(45, 2, space.xl, space.xu, evaluate=evaluate, integer=True)
    dl.minimize(problem, dl.algorithms.NSGA2(pop_size=POP, seed=0), n_evals=500)
    start = time.perf_counter()
    dl.minimize(problem, dl.algorithms.NSGA2(pop_size=POP, seed=0), n_evals=20_000)
    t_ours = time.perf_counter() - start

    plain = dl.SearchSpace(space.to_dict())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p_acc = DynastPredictor(coarse=True).fit(plain.features(X), y)
        p_macs = DynastPredictor(coarse=True).fit(plain.features(X), ev.values(X, ["macs"])["macs"])

    class OneByOne(Problem):
        def __init__(self):
            super().__init__(n_var=45, n_obj=2, xl=0, xu=2, vtype=int)

        def _evaluate(self, x, out, *args, **kwargs):
            rows = []
            for xi in np.asarray(x, dtype=float):  # DyNAS-T predicts each candidate on its own
                f = plain.features(xi[None])
                rows.append([-p_acc.predict(f)[0], p_macs.predict(f)[0]])
            out["F"] = np.array(rows)

    algo = dynast_nsga2(POP)
    start = time.perf_counter()
    minimize(OneByOne(), algo, ("n_gen", 20_000 // POP), seed=0)
    t_dynast = time.perf_counter() - start
    return [
        ["ours (batched predictions, exact MACs)", f"{t_ours:.2f}", ""],
        ["DyNAS-T way (pymoo, per-candidate predictions)", f"{t_dynast:.2f}", f"{t_ours / t_dynast:.3f}"],
    ]


def run(seeds: int) -> None:
    ev = OFASurrogateEvaluator()
    R = ev.values(ev.space.sample(20_000, np.random.default_rng(99)), ["accuracy_top1", "macs"])
    ref = np.array([-R["accuracy_top1"].min(), R["macs"].max() / 1e6])
    methods = {
        "ours: LINAS + NSGA-II": lambda s: ours(ev, "linas", s),
        "ours: evolutionary NSGA-II": lambda s: ours(ev, "evolutionary", s),
        "ours: random": lambda s: ours(ev, "random", s),
        "DyNAS-T LINAS (re-created)": lambda s: dynast_linas(ev, s),
    }
    curves, seconds, repeats = {}, {}, {}
    for name, fn in methods.items():
        curves[name], seconds[name], repeats[name] = [], [], []
        for seed in range(seeds):
            start = time.perf_counter()
            X = fn(seed)
            seconds[name].append(time.perf_counter() - start)
            repeats[name].append(X.shape[0] - len(np.unique(X, axis=0)))
            curves[name].append(hv_curve(ev, X, ref))
        print(f"{name} done", flush=True)
    med = {name: np.median(np.array(c), axis=0) for name, c in curves.items()}
    rows = [
        [name]
        + [f"{v:.1f}" for v in med[name]]
        + [f"{np.mean(repeats[name]):.1f}", f"{np.median(seconds[name]):.1f}"]
        for name in methods
    ]
    print(
        f"\nMedian hypervolume of the measured set over {seeds} seeds, (top-1 %) x (MMACs), reference "
        f"{np.round(ref, 2).tolist()} (worst of 20,000 random sub-networks)\n"
    )
    print(table(["method"] + [str(c) for c in CHECKPOINTS] + ["repeated validations", "seconds"], rows))
    target = med["ours: evolutionary NSGA-II"][-1]
    print(f"\nEvolutionary NSGA-II's HV at 500 validations: {target:.1f}")
    for name in methods:
        reached = [c for c, v in zip(CHECKPOINTS, med[name], strict=True) if v >= target]
        print(f"  {name}: reached at {reached[0] if reached else 'never (within 500)'} validations")
    print("\nOne LINAS inner search: 20,000 predictor evaluations, pop 50, 45 genes\n")
    print(table(["inner search", "seconds", "ours/DyNAS-T"], inner_loop_times(ev)))


if __name__ == "__main__":
    seeded_main(run, 5)
