"""dl.search end to end on a cheap synthetic evaluator: budgets, no re-measurement, the last
batch, resume, warm start, exact metrics, errors."""

import json
from pathlib import Path

import numpy as np
import pytest
from toy_supernet import SPACE, Crash, ToyEvaluator

import dynast_lite as dl
from dynast_lite.evaluation import config_key
from dynast_lite.results import read_results

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture
def space():
    return dl.SearchSpace(SPACE)


def run(space, ev, tmp_path=None, **kw):
    settings = dict(
        optimization_metrics=["accuracy_top1", "macs"],
        measurements=["accuracy_top1", "macs", "params"],
        num_evals=70,
        population=20,
        seed=3,
        inner_evals=600,
        results_path=None,
    )
    settings.update(kw)
    if tmp_path is not None and "results_path" not in kw:
        settings["results_path"] = tmp_path / "r.csv"
    return dl.search(ev, space, **settings)


@pytest.mark.parametrize(
    "tactic, algo",
    [
        ("linas", "nsga2"),
        ("evolutionary", "nsga2"),
        ("random", "nsga2"),
        ("linas", "age"),
        ("evolutionary", "ga"),
    ],
)
def test_budget_is_exact_and_nothing_is_measured_twice(space, tmp_path, tactic, algo):
    ev = ToyEvaluator(space)
    metrics = ["accuracy_top1"] if algo == "ga" else ["accuracy_top1", "macs"]
    res = run(space, ev, tmp_path, search_tactic=tactic, search_algo=algo, optimization_metrics=metrics)
    assert len(res.records) == len(ev.real) == len(set(ev.real)) == 70
    rows = read_results(tmp_path / "r.csv")
    assert [config_key(r.config) for r in rows] == ev.real
    assert res.pareto and all(r in res.records for r in res.pareto)


def test_linas_measures_its_last_batch_and_logs_tau_before_measuring(space):
    ev = ToyEvaluator(space)
    res = run(space, ev, linas_batch=20)  # 20 random, then 20, 20 and a last batch of 10
    assert len(ev.real) == 70
    assert [t["n_measured"] for t in res.tau_history] == [40, 60, 70]
    assert all(set(t) == {"loop", "n_measured", "accuracy_top1"} for t in res.tau_history)
    assert all(-1 <= t["accuracy_top1"] <= 1 for t in res.tau_history)
    assert ev.cheap_rows > 0  # MACs came from the evaluator's exact lookup, not a predictor


def test_linas_batches_suit_the_budget(space):
    ev = ToyEvaluator(space)
    res = run(space, ev)  # default: 20 random (twice the batch), then batches of 10
    assert len(ev.real) == 70
    assert [t["n_measured"] for t in res.tau_history] == [30, 40, 50, 60, 70]
    from dynast_lite.tactics.linas import batch_sizes

    assert batch_sizes(100, 50, None) == (20, 10)
    assert batch_sizes(250, 50, None) == (20, 10)
    assert batch_sizes(2000, 50, None) == (50, 40)  # at most 50 loops
    assert batch_sizes(100, 6, None) == (6, 6)  # never above the population
    assert batch_sizes(250, 50, 50) == (50, 50)  # DyNAS-T's: a population per loop
    with pytest.raises(ValueError, match="linas_batch must be a positive int"):
        run(space, ev, linas_batch=0)


def test_linas_optimism_picks_by_uncertainty_deterministically(space, monkeypatch):
    import dynast_lite.tactics.linas as linas

    plain = [config_key(r.config) for r in run(space, ToyEvaluator(space)).records]
    monkeypatch.setattr(linas, "OPTIMISM", 2.0)
    calls = []
    original = linas.KernelRidge.predict_std
    monkeypatch.setattr(linas.KernelRidge, "predict_std", lambda m, X: calls.append(len(X)) or original(m, X))
    hopeful = [[config_key(r.config) for r in run(space, ToyEvaluator(space)).records] for _ in range(2)]
    assert calls and hopeful[0] == hopeful[1]  # the uncertainty was asked for, and runs repeat
    assert hopeful[0][:20] == plain[:20] and hopeful[0] != plain  # same first batch, other picks


def test_linas_scores_batches_against_the_predicted_measured_front(monkeypatch):
    from dynast_lite.tactics import linas

    X = np.array([[1, 2], [3, 4], [5, 6], [7, 8]])
    P = np.column_stack([X.sum(axis=1) / 10, X[:, 0]])  # predictions (shrunk)
    F = np.array([[-9.0, 1.0], [np.nan, 3.0], [-7.0, 5.0], [-6.0, 7.0]])  # row 1 failed
    G = np.array([[0.0], [0.0], [0.5], [-1.0]])  # row 2 infeasible
    np.testing.assert_allclose(linas._scored_front(P, F, G), [[0.3, 1.0], [1.5, 7.0]])
    np.testing.assert_array_equal(linas._scored_front(P, F, None), [[0.3, 1.0], [1.1, 5.0], [1.5, 7.0]])
    nothing = linas._scored_front(P[:2], F[1:2].repeat(2, axis=0), None)
    assert nothing.shape == (0, 2)
    monkeypatch.setattr(linas, "SCORE_AGAINST_PREDICTED", False)
    np.testing.assert_array_equal(linas._scored_front(P, F, G), F[[0, 3]])


@pytest.mark.parametrize("predicted", [True, False])
def test_linas_picks_each_batch_against_the_front_it_is_told(space, monkeypatch, predicted):
    from dynast_lite.tactics import linas

    monkeypatch.setattr(linas, "SCORE_AGAINST_PREDICTED", predicted)
    bases, choose = [], linas._choose_batch
    monkeypatch.setattr(linas, "_choose_batch", lambda *a: bases.append(a[4]) or choose(*a))
    res = run(space, ToyEvaluator(space), num_evals=40)
    F = res.objectives()
    assert len(bases) == 2  # after the first 20 and after 30 measurements
    for base, n in zip(bases, (20, 30), strict=True):
        assert base.shape == (n, 2)
        np.testing.assert_array_equal(base[:, 1], F[:n, 1])  # MACs are exact either way
        assert np.array_equal(base[:, 0], F[:n, 0]) is not predicted  # top-1 predicted or measured


def test_linas_beats_random_search(space):
    hv = {}
    for tactic in ("linas", "random"):
        res = run(space, ToyEvaluator(space), search_tactic=tactic, num_evals=100, inner_evals=2000)
        F = res.objectives()
        hv[tactic] = dl.indicators.hypervolume(F, [-66.0, 1e6 * 120])
    assert hv["linas"] > hv["random"]


def test_same_seed_same_run(space):
    a = run(space, ToyEvaluator(space))
    b = run(space, ToyEvaluator(space))
    c = run(space, ToyEvaluator(space), seed=4)
    assert [r.config for r in a.records] == [r.config for r in b.records]
    assert [r.config for r in a.records] != [r.config for r in c.records]


@pytest.mark.parametrize("tactic", ["linas", "evolutionary"])
@pytest.mark.parametrize("crash_at", [1, 20, 33])
def test_resume_equals_an_uninterrupted_run(space, tmp_path, tactic, crash_at):
    whole = run(space, ToyEvaluator(space), tmp_path / "a", search_tactic=tactic)
    crashing = ToyEvaluator(space, fail_after=crash_at)
    with pytest.raises(Crash):
        run(space, crashing, tmp_path / "b", search_tactic=tactic)
    assert len(read_results(tmp_path / "b" / "r.csv")) == crash_at  # nothing measured was lost
    again = ToyEvaluator(space)
    resumed = run(space, again, tmp_path / "b", search_tactic=tactic, resume=True)
    assert [r.config for r in resumed.records] == [r.config for r in whole.records]
    assert [r.values for r in resumed.records] == [r.values for r in whole.records]
    assert len(again.real) == 70 - crash_at  # only what was missing
    a = [(r.config, r.values) for r in read_results(tmp_path / "a" / "r.csv")]
    b = [(r.config, r.values) for r in read_results(tmp_path / "b" / "r.csv")]
    assert a == b


def test_resume_checks_the_settings(space, tmp_path):
    run(space, ToyEvaluator(space), tmp_path, num_evals=30)
    with pytest.raises(ValueError, match=r"settings differ.*settings.population"):
        run(space, ToyEvaluator(space), tmp_path, num_evals=30, population=10, resume=True)
    with pytest.raises(ValueError, match="already exists; pass resume=True"):
        run(space, ToyEvaluator(space), tmp_path, num_evals=30)
    with pytest.raises(ValueError, match=r"cannot resume .* with num_evals=20: it already holds 30"):
        run(space, ToyEvaluator(space), tmp_path, num_evals=20, resume=True)


def test_resume_with_nothing_measured_starts_afresh(space, tmp_path, caplog):
    ev = ToyEvaluator(space)
    res = run(space, ev, tmp_path / "new", num_evals=30, resume=True)
    assert len(res.records) == len(ev.real) == 30
    assert "starting the run afresh" in caplog.text
    # a header-only file (killed before the first row) is nothing to resume either
    crashing = ToyEvaluator(space, fail_after=0)
    with pytest.raises(Crash):
        run(space, crashing, tmp_path / "b", num_evals=30)
    assert len(read_results(tmp_path / "b" / "r.csv")) == 0
    again = run(space, ToyEvaluator(space), tmp_path / "b", num_evals=30, resume=True)
    assert [r.config for r in again.records] == [r.config for r in res.records]


def test_resume_refuses_a_file_without_its_settings(space, tmp_path):
    run(space, ToyEvaluator(space), tmp_path, num_evals=30)
    (tmp_path / "r.csv.meta.json").unlink()
    with pytest.raises(ValueError, match="has no settings file .* use it as a warm start"):
        run(space, ToyEvaluator(space), tmp_path, num_evals=30, resume=True)


@pytest.mark.parametrize("tactic", ["linas", "evolutionary"])
def test_resume_with_a_larger_budget_extends_a_finished_run(space, tmp_path, tactic):
    whole = run(space, ToyEvaluator(space), tmp_path / "a", search_tactic=tactic)
    run(space, ToyEvaluator(space), tmp_path / "b", search_tactic=tactic, num_evals=40)
    ev = ToyEvaluator(space)
    extended = run(space, ev, tmp_path / "b", search_tactic=tactic, resume=True)
    assert len(ev.real) == 30
    assert [r.config for r in extended.records] == [r.config for r in whole.records]
    assert json.loads((tmp_path / "b" / "r.csv.meta.json").read_text())["settings"]["num_evals"] == 70


def test_progress_is_reported_for_every_candidate(space, tmp_path):
    events = []
    crashing = ToyEvaluator(space, fail_after=25)
    with pytest.raises(Crash):
        run(space, crashing, tmp_path, progress=events.append)
    assert [e.n_done for e in events] == list(range(1, 26)) and not any(e.replayed for e in events)
    events.clear()
    run(space, ToyEvaluator(space), tmp_path, progress=events.append, resume=True)
    assert [e.n_done for e in events] == list(range(1, 71))
    assert [e.replayed for e in events] == [True] * 25 + [False] * 45
    assert all(e.num_evals == 70 and e.records[-1] is e.record for e in events)


@pytest.mark.parametrize("tactic", ["linas", "evolutionary"])
def test_constraints_steer_the_search_and_filter_the_front(space, tmp_path, tactic):
    free = run(space, ToyEvaluator(space), search_tactic=tactic, num_evals=100)
    macs = np.array([r.values["macs"] for r in free.records])
    bound = float(np.quantile(macs, 0.2))
    res = run(
        space,
        ToyEvaluator(space),
        tmp_path,
        search_tactic=tactic,
        num_evals=100,
        constraints=[f"macs<={bound}"],
    )
    feasible = res.feasible()
    assert res.pareto and all(r.values["macs"] <= bound for r in res.pareto)
    # feasibility first: most of the later candidates meet the bound, unlike unconstrained ones
    assert feasible[50:].mean() > 0.6 > (macs[50:] <= bound).mean()
    meta = json.loads((tmp_path / "r.csv.meta.json").read_text())
    assert meta["settings"]["constraints"] == [str(dl.constraints.parse_constraint(f"macs<={bound}"))]
    with pytest.raises(ValueError, match="settings.constraints"):
        run(space, ToyEvaluator(space), tmp_path, search_tactic=tactic, num_evals=100, resume=True)


def test_constraint_on_a_predicted_metric(space):
    res = run(space, ToyEvaluator(space), num_evals=80, constraints=["accuracy_top1>=70"])
    assert res.pareto and all(r.values["accuracy_top1"] >= 70 for r in res.pareto)
    assert all("accuracy_top1" in t for t in res.tau_history)


def test_warm_start_never_measures_known_configs(space, tmp_path):
    first = run(space, ToyEvaluator(space), tmp_path / "a", num_evals=40)
    ev = ToyEvaluator(space)
    res = run(space, ev, tmp_path / "b", num_evals=40, warm_start=tmp_path / "a" / "r.csv")
    known = {config_key(r.config) for r in first.records}
    assert len(ev.real) == 40 and not known & set(ev.real)
    assert len(res.warm_records) == 40
    assert res.tau_history[0]["n_measured"] == 10  # the first batch (10) already came from predictions


@pytest.mark.skipif(not (SHARED / "ofa_mbv3_w1.0_imagenet_evo_ga.csv").exists(), reason="no shared data")
def test_warm_start_from_dynast_results(tmp_path):
    ofa = dl.SearchSpace(
        {
            "ks": {"count": 20, "vars": [3, 5, 7]},
            "e": {"count": 20, "vars": [3, 4, 6]},
            "d": {"count": 5, "vars": [2, 3, 4]},
        },
        fixed={"wid": None, "r": [224]},
    )
    ev = ToyEvaluator(ofa)
    res = dl.search(
        ev,
        ofa,
        ["accuracy_top1", "macs"],
        num_evals=20,
        population=20,
        inner_evals=500,
        warm_start=[SHARED / "ofa_mbv3_w1.0_imagenet_evo_ga.csv"],
        results_path=tmp_path / "r.csv",
    )
    assert len(res.warm_records) == 364 and len(ev.real) == 20
    warm = {config_key(r.config) for r in res.warm_records}
    assert not warm & set(ev.real)


@pytest.mark.parametrize(
    "kw, match",
    [
        (dict(optimization_metrics=["accuracy_top1", "flops"]), "unknown metric 'flops'"),
        (dict(search_tactic="bayes"), "unknown search tactic 'bayes'"),
        (
            dict(search_algo="ga"),
            r"'ga' takes 1 objective\(s\) but 2 .* use one of \['nsga2', 'age', 'random'\]",
        ),
        (dict(measurements=["macs"]), r"\['accuracy_top1'\] must also be in measurements"),
        (dict(num_evals=0), "num_evals must be a positive int"),
        (dict(predictor="svr"), "unknown predictor 'svr'"),
        (dict(constraints=["latency<=20"]), r"bound metrics that are not measured"),
        (dict(constraints=["macs<20"]), r"cannot parse constraint 'macs<20'"),
        (dict(constraints=["params<=1", "params<=1"]), "constraints repeat"),
        (dict(optimization_metrics=["bleu"], measurements=["bleu"], search_algo="ga"), "cannot measure"),
    ],
)
def test_bad_settings_give_one_clear_error(space, kw, match):
    with pytest.raises(ValueError, match=match):
        run(space, ToyEvaluator(space), **kw)


class FlakyEvaluator(ToyEvaluator):
    """Accuracy fails (NaN) for most candidates: too few rows to fit a predictor at first."""

    def measure(self, configs, metrics):
        rows = super().measure(configs, metrics)
        for c, r in zip(configs, rows, strict=True):
            if "accuracy_top1" in r and int(self.space.encode([c]).sum()) % 5:
                r["accuracy_top1"] = float("nan")
        return rows


def test_linas_survives_failed_measurements_without_repeating_any(space):
    ev = FlakyEvaluator(space)
    res = run(space, ev, population=3, num_evals=40, max_failures=40)
    assert len(ev.real) == len(set(ev.real)) == 40
    assert all(np.isfinite(r.values["accuracy_top1"]) for r in res.pareto)


class GatedSpace(dl.SearchSpace):
    """The space of the toy evaluator where d[0] == 2 (choice 0) switches ks[4:8] off, as a
    shallow stage does in OFA."""

    def active_genes(self, X):
        X = np.asarray(X)
        out = np.ones(X.shape, dtype=bool)
        ks0, d0 = self._offsets[self.names.index("ks")], self._offsets[self.names.index("d")]
        out[X[:, d0] == 0, ks0 + 4 : ks0 + 8] = False
        return out


def test_canonical_rows_zero_the_inactive_genes():
    space = GatedSpace(SPACE)
    X = space.sample(200, np.random.default_rng(0))
    C = space.canonical(X)
    off = X[:, 16] == 0
    assert (C[off, 4:8] == 0).all() and (C[~off] == X[~off]).all() and (C[:, 8:] == X[:, 8:]).all()
    assert (space.canonical(C) == C).all()


@pytest.mark.parametrize("tactic", ["linas", "evolutionary", "random"])
def test_one_network_is_measured_once_whatever_its_inactive_genes(tmp_path, tactic):
    space = GatedSpace(SPACE)
    ev = ToyEvaluator(space)
    res = run(space, ev, tmp_path, search_tactic=tactic, num_evals=120)
    X = space.encode([r.config for r in read_results(tmp_path / "r.csv")])
    assert len(ev.real) == 120 and (space.canonical(X) == X).all()  # logged in canonical form
    assert len({row.tobytes() for row in X}) == 120
    assert len(res.records) == 120


def test_the_measurer_serves_a_known_network_from_its_record():
    from dynast_lite.evaluation import Measurer

    space = GatedSpace(SPACE)
    ev = ToyEvaluator(space)
    measurer = Measurer(ev, space, ["accuracy_top1", "macs"], log=None)
    X = space.sample(5, np.random.default_rng(1))
    X[:, 16] = 0  # every row gated
    twin = X.copy()
    twin[:, 4:8] = (X[:, 4:8] + 1) % 3  # other values where the network does not look
    first = measurer.measure(X)
    again = measurer.measure(np.vstack([twin, twin[:1]]))
    assert len(ev.real) == measurer.n_measured == 5
    assert again[:5] == first and again[5] is first[0]


def test_an_evaluator_that_refuses_empty_requests_still_runs(space):
    class NoEmpty(ToyEvaluator):  # as a scikit-learn model in an evaluator would
        def measure(self, configs, metrics):
            if not configs:
                raise ValueError("Found array with 0 sample(s)")
            return super().measure(configs, metrics)

    res = run(space, NoEmpty(space), num_evals=30)
    assert len(res.records) == 30
