"""Search efficiency: hypervolume of the first k validations on the OFA MobileNetV3 surrogate
(``_ofa_surrogate.OFASurrogateEvaluator``: exact MACs and params, top-1 from a model fitted to one
DyNAS-T run's real measurements; 2 and 3 objectives), on a synthetic supernet (``_synthetic.py``,
3 objectives) and on the embedded digits supernet with real validations (``_digits_truth.py``,
2 objectives; 250 validations, evolutionary search 500, since each costs 0.17 s), for ours (LINAS
with its default batches and with DyNAS-T's batch of a population, evolutionary NSGA-II or
U-NSGA-III, random search), optuna's multivariate TPE, and DyNAS-T 1.6's LINAS re-created (pymoo
NSGA-II with its settings as the inner search, its predictor with every tenth grid value, the
inner search seeded the same every loop, the final population measured as the next batch,
repeats included); then one LINAS inner search (20,000 predictor evaluations, pop 50, 45 genes,
exact MACs), ours against the DyNAS-T way."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from _dynast import DynastPredictor, dynast_nsga2
from _harness import quartiles, seeded, timed
from _mode import pick
from _ofa_surrogate import OFASurrogateEvaluator, needs_data
from _synthetic import SyntheticEvaluator

import dynast_lite as dl

pytestmark = needs_data

BUDGET = pick(60, 500)
#: real validations on the digits supernet: all methods to 250, evolutionary search to BUDGET
DIGITS_BUDGET = pick(40, 250)
POP = pick(20, 50)
CHECKPOINTS = pick((20, 40, 60), (25, 50, 100, 250, 500))
SEEDS = pick(1, 5)
INNER = pick(1_000, 20_000)
#: objectives (all from the surrogate), and the algorithm every evolutionary method runs
OBJECTIVES = {2: (["accuracy_top1", "macs"], "nsga2"), 3: (["accuracy_top1", "macs", "params"], "unsga3")}


def with_reference(ev, n_accuracy: int = 20_000) -> tuple:
    """The evaluator and its hypervolume reference point: the worst of 20,000 random
    sub-networks in each objective (top-1: of the first ``n_accuracy`` of them)."""
    X = ev.space.sample(20_000, np.random.default_rng(99))
    R = ev.values(X, ["macs", "params"])
    worst_top1 = ev.values(X[:n_accuracy], ["accuracy_top1"])["accuracy_top1"].min()
    return ev, np.array([-worst_top1, R["macs"].max() / 1e6, R["params"].max() / 1e6])


def surrogate_truth() -> tuple:
    """The OFA surrogate and its reference point."""
    return with_reference(OFASurrogateEvaluator())


def digits_truth() -> tuple:
    """Real validations (the trained supernet; random weights in quick mode, so CI trains
    nothing) and the reference point; its top-1 is the worst of 100 random sub-networks."""
    from _digits_truth import DigitsTruth

    return with_reference(DigitsTruth(**pick({"pretrained": False}, {})), n_accuracy=pick(10, 100))


@pytest.fixture(scope="module")
def surrogate():
    return surrogate_truth()


@pytest.fixture(scope="module")
def synthetic():
    return with_reference(SyntheticEvaluator())


@pytest.fixture(scope="module")
def digits():
    return digits_truth()


def objective_rows(ev, X: np.ndarray, n_obj: int) -> np.ndarray:
    """Minimised objectives of ``X``: -top-1 (%), MACs (M), params (M), the first ``n_obj``."""
    v = ev.values(X, ["accuracy_top1", "macs", "params"])
    return np.column_stack([-v["accuracy_top1"], v["macs"] / 1e6, v["params"] / 1e6])[:, :n_obj]


def hv_curve(ev, X_in_order: np.ndarray, ref: np.ndarray, n_obj: int = 2) -> list[float]:
    """Hypervolume of the first k rows for each checkpoint k up to the number of rows."""
    F = objective_rows(ev, X_in_order, n_obj)
    return [
        dl.indicators.hypervolume(np.unique(F[:k], axis=0), ref[:n_obj]) for k in CHECKPOINTS if k <= len(F)
    ]


def ours(ev, tactic: str, seed: int, n_obj: int = 2, budget: int = BUDGET, **settings) -> np.ndarray:
    metrics, algo = OBJECTIVES[n_obj]
    res = dl.search(
        ev, ev.space, metrics, search_tactic=tactic, search_algo=algo, num_evals=budget,
        population=POP, seed=seed, results_path=None, inner_evals=INNER, **settings,
    )  # fmt: skip
    return ev.space.encode([r.config for r in res.records])


def optuna_tpe(ev, seed: int, n_obj: int = 2, budget: int = BUDGET) -> np.ndarray:
    """optuna's multivariate TPE sampler, each gene an integer parameter, the objectives
    straight from the surrogate: what an ML user without a NAS tool would reach for."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    hi = ev.space.xu.astype(int)

    def objective(trial):
        x = np.array([[trial.suggest_int(f"g{i}", 0, int(hi[i])) for i in range(ev.space.n_var)]])
        return tuple(float(v) for v in objective_rows(ev, x, n_obj)[0])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its multivariate sampler is marked experimental
        sampler = optuna.samplers.TPESampler(multivariate=True, seed=seed)
        study = optuna.create_study(directions=["minimize"] * n_obj, sampler=sampler)
        study.optimize(objective, n_trials=budget)
    return np.array([[t.params[f"g{i}"] for i in range(ev.space.n_var)] for t in study.trials])


def _predicted_problem(plain: dl.SearchSpace, p_acc, p_macs, one_by_one: bool = False):
    from pymoo.core.problem import Problem

    class Predicted(Problem):
        def __init__(self):
            super().__init__(n_var=45, n_obj=2, xl=0, xu=2, vtype=int)

        def _evaluate(self, x, out, *args, **kwargs):
            x = np.asarray(x, dtype=float)
            if one_by_one:  # as DyNAS-T predicts: each candidate on its own
                rows = [
                    [-p_acc.predict(f)[0], p_macs.predict(f)[0]] for f in (plain.features(r[None]) for r in x)
                ]
                out["F"] = np.array(rows)
            else:
                f = plain.features(x)
                out["F"] = np.column_stack([-p_acc.predict(f), p_macs.predict(f)])

    return Predicted()


def dynast_linas(ev, seed: int) -> np.ndarray:
    from pymoo.optimize import minimize

    plain = dl.SearchSpace(ev.space.to_dict())  # DyNAS-T's one-hot: inactive blocks not masked
    batch = np.random.default_rng(seed).integers(0, 3, (POP, ev.space.n_var)).astype(float)
    measured, acc, macs = [], [], []
    for _loop in range(round(BUDGET / POP)):
        vals = ev.values(batch, ["accuracy_top1", "macs"])
        measured.append(batch)
        acc.append(vals["accuracy_top1"])
        macs.append(vals["macs"])
        Phi = plain.features(np.concatenate(measured))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p_acc = DynastPredictor(coarse=True).fit(Phi, np.concatenate(acc))
            p_macs = DynastPredictor(coarse=True).fit(Phi, np.concatenate(macs))
        res = minimize(
            _predicted_problem(plain, p_acc, p_macs), dynast_nsga2(POP), ("n_gen", INNER // POP), seed=seed
        )
        batch = np.asarray(res.pop.get("X"), dtype=float)
    return np.concatenate(measured)


METHODS = {
    "dynast-lite LINAS (batches of 10)": lambda ev, s, m, b: ours(ev, "linas", s, m, b),
    "dynast-lite LINAS, batches of 50 (the old default)": lambda ev, s, m, b: ours(
        ev, "linas", s, m, b, linas_batch=POP
    ),
    "dynast-lite evolutionary": lambda ev, s, m, b: ours(ev, "evolutionary", s, m, b),
    "dynast-lite random": lambda ev, s, m, b: ours(ev, "random", s, m, b),
    "DyNAS-T LINAS (re-created)": lambda ev, s, m, b: dynast_linas(ev, s),
    "optuna 5 TPE (multivariate)": optuna_tpe,
}
#: (ground truth, method, objectives); DyNAS-T's LINAS is re-created for OFA, 2 objectives
CASES = (
    [("surrogate", impl, 2) for impl in METHODS]
    + [("surrogate", impl, 3) for impl in METHODS if "DyNAS-T" not in impl]
    + [("synthetic", impl, 3) for impl in METHODS if "DyNAS-T" not in impl]
    + [("digits", impl, 2) for impl in METHODS if "DyNAS-T" not in impl]
    # the 2-objective cases already run every method's code in quick mode; two suffice here
    + [
        ("digits", impl, 3)
        for impl in pick(["dynast-lite LINAS (batches of 10)", "dynast-lite evolutionary"], list(METHODS))
        if "DyNAS-T" not in impl
    ]
)
TRUTHS = {"surrogate": "OFA surrogate", "synthetic": "synthetic supernet", "digits": "digits supernet"}


def _budget(truth: str, impl: str) -> int:
    """Validations of one run: real ones on digits are rationed, except for the evolutionary
    search, the baseline that LINAS at 100 is compared with at 500."""
    return DIGITS_BUDGET if truth == "digits" and "evolutionary" not in impl else BUDGET


@pytest.mark.parametrize("truth, impl, n_obj", CASES, ids=[f"{t}-{m}obj-{i}" for t, i, m in CASES])
def test_search_efficiency(measure, request, truth, impl, n_obj):
    """Hypervolume of the first k validations (k = 25 ... 500): how many validations each
    method needs. Evolutionary methods run NSGA-II on 2 objectives, U-NSGA-III on 3."""
    ev, ref = request.getfixturevalue(truth)
    curves, repeats = [], []
    budget = _budget(truth, impl)

    def run(seed):
        X, t = timed(lambda: METHODS[impl](ev, seed, n_obj, budget))
        repeats.append(X.shape[0] - len(np.unique(X, axis=0)))
        curves.append(hv_curve(ev, X, ref, n_obj))
        return curves[-1][-1], t

    names = " vs ".join(["accuracy", "MACs", "params"][:n_obj])
    seeded(measure, f"{TRUTHS[truth]}: {names}, {_budget(truth, '')} validations", run, SEEDS, "hv_final")
    info = measure.benchmark.extra_info
    C = np.array(curves)
    for j, c in enumerate(CHECKPOINTS[: C.shape[1]]):
        q = quartiles(C[:, j])
        info[f"hv_at_{c}"] = f"{q['median']:.4g} [{q['q25']:.4g}, {q['q75']:.4g}]"
    info["repeated_validations_mean"] = float(np.mean(repeats))
    if truth == "surrogate":
        info["surrogate_held_out_tau"] = float(ev.held_out_tau)


@pytest.mark.parametrize("impl", ["dynast-lite", "DyNAS-T way"])
def test_linas_inner_search(measure, surrogate, impl):
    """One inner search: NSGA-II, pop 50, on predicted top-1 and exact MACs."""
    from pymoo.optimize import minimize

    ev, _ = surrogate
    space = ev.space
    X = space.sample(250, np.random.default_rng(0))
    if impl == "dynast-lite":
        import dynast_lite.tactics.linas as linas

        captured = {}
        original = linas._inner_search

        def capture(*args, **kwargs):
            captured.setdefault("args", (args, kwargs))
            return original(*args, **kwargs)

        linas._inner_search = capture
        try:  # a real LINAS loop: 250 measured, then the inner search whose arguments we keep
            dl.search(ev, space, ["accuracy_top1", "macs"], num_evals=300, population=250, results_path=None,
                      inner_evals=INNER, seed=0)  # fmt: skip
        finally:
            linas._inner_search = original
        args, kwargs = captured["args"]
        measure(lambda: original(*args, **kwargs), f"LINAS inner search, {INNER:,} predictor evaluations")
        return
    plain = dl.SearchSpace(space.to_dict())
    y = ev.values(X, ["accuracy_top1"])["accuracy_top1"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p_acc = DynastPredictor(coarse=True).fit(plain.features(X), y)
        p_macs = DynastPredictor(coarse=True).fit(plain.features(X), ev.values(X, ["macs"])["macs"])
    problem = _predicted_problem(plain, p_acc, p_macs, one_by_one=True)
    measure(
        lambda: minimize(problem, dynast_nsga2(50), ("n_gen", INNER // 50), seed=0),
        f"LINAS inner search, {INNER:,} predictor evaluations",
        rounds=1,
    )


def test_digits_held_out_script():
    """The held-out digits script (not timed; its numbers are in README.md) runs end to end:
    every curve finite, the validations' own hypervolume never falling as validations grow."""
    import digits_held_out

    out = digits_held_out.run(seeds=1, linas_budget=POP * 2, evo_budget=POP * 2, n_reference=10, n_obj=3)
    assert out["refs"]["held"].shape == (3,)
    for name, checkpoints in out["checkpoints"].items():
        assert checkpoints
        search, held, smoothed = out[name, "search"], out[name, "held"], out[name, "smoothed"]
        assert search.shape == held.shape == smoothed.shape == (1, len(checkpoints))
        for hv in (search, held, smoothed):
            assert np.isfinite(hv).all() and (hv >= 0).all()
        assert (np.diff(search, axis=1) >= 0).all()


def test_digits_oracle_script():
    """The digits oracle script (not timed; its numbers are in README.md) runs end to end: LINAS
    really predicts top-1 by the oracle inside ``oracle_predictor`` and by its own predictors
    after it, cross-fitting keeps a row's own value out of its prediction, and every curve is
    finite and never falls as validations grow."""
    import digits_oracle

    import dynast_lite.tactics.linas as linas

    fit = linas._fit_surrogate
    n = POP * 2
    out = digits_oracle.run(1, 3, linas_budget=n, evo_budget=n, n_random=30, pool_seeds=(7,), n_fresh=20)
    assert linas._fit_surrogate is fit
    assert out["ref"].shape == (3,) and out["pool"] > 30 and -1 <= out["tau"] <= 1
    names = ("evolutionary", "LINAS", "LINAS, oracle of the pool, cross-fitted", "LINAS, oracle of the pool")
    assert set(out["picked from the pool"]) == set(names)
    for name in names:
        hv = out[name]
        assert hv.shape == (1, len(out["checkpoints"])) and np.isfinite(hv).all() and (hv >= 0).all()
        assert (np.diff(hv, axis=1) >= 0).all()

    ev, _ = digits_truth()
    X = ev.space.sample(40, np.random.default_rng(0))
    plain, crossed = digits_oracle.Oracle(ev).fit(X), digits_oracle.Oracle(ev, folds=5).fit(X)
    fresh = ev.space.sample(5, np.random.default_rng(1))
    assert np.allclose(plain.predict(fresh), crossed.predict(fresh))  # unseen rows: the full model
    fold = np.array([crossed.fold_of[row.tobytes()] for row in X.astype(np.int64)])
    own = crossed.fold_models[0].predict(crossed._inputs(X[fold == 0]))
    assert np.allclose(crossed.predict(X[fold == 0]), own)  # a model that never saw them

    asked = []
    predict = plain.predict
    plain.predict = lambda X: asked.append(len(X)) or predict(X)
    with digits_oracle.oracle_predictor(plain):
        ours(ev, "linas", 0, 2, n)
    n_asked = sum(asked)
    assert n_asked >= INNER  # every inner-search candidate's top-1 came from the oracle
    ours(ev, "linas", 1, 2, n)
    assert sum(asked) == n_asked
