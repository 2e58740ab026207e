"""A measurement that fails (an exception, a NaN) is logged, counts as dominated and the search
goes on; too many failures stop the run; nothing measured is lost."""

import json

import numpy as np
import pytest
from toy_supernet import SPACE, ToyEvaluator

import dynast_lite as dl
from dynast_lite.evaluation import SearchFailed, config_key
from dynast_lite.results import read_results


class OutOfMemory(RuntimeError):
    pass


class FaultyEvaluator(ToyEvaluator):
    """Raises for one config in seven and returns a NaN accuracy for one in eleven (by a hash of
    the config), like CUDA running out of memory or a diverging sub-network."""

    def __init__(self, space, always=False):
        super().__init__(space)
        self.always = always
        self.calls = 0

    @staticmethod
    def _code(config) -> int:
        return sum(config["ks"]) * 31 + sum(config["e"]) * 7 + sum(config["d"])

    def measure(self, configs, metrics):
        if "accuracy_top1" in metrics and configs:
            self.calls += 1
            if self.always or any(self._code(c) % 7 == 0 for c in configs):
                raise OutOfMemory("CUDA out of memory. Tried to allocate 2.00 GiB")
        rows = super().measure(configs, metrics)
        for c, r in zip(configs, rows, strict=True):
            if "accuracy_top1" in r and self._code(c) % 11 == 0:
                r["accuracy_top1"] = float("nan")
        return rows


def run(space, ev, path, **kw):
    settings = dict(num_evals=80, population=20, seed=3, inner_evals=600, results_path=path, max_failures=80)
    settings.update(kw)
    return dl.search(ev, space, ["accuracy_top1", "macs"], ["accuracy_top1", "macs", "params"], **settings)


@pytest.mark.parametrize("batch", [1, 5])
def test_failures_are_logged_dominated_and_the_search_goes_on(tmp_path, batch):
    space = dl.SearchSpace(SPACE)
    ev = FaultyEvaluator(space)
    out = tmp_path / "r.csv"
    res = run(space, ev, out, measure_batch=batch)
    rows = read_results(out)
    assert len(rows) == len(res.records) == 80
    failed = [r for r in rows if "accuracy_top1" not in r.values]
    raised = [r for r in failed if FaultyEvaluator._code(r.config) % 7 == 0]
    nan = [
        r for r in failed if FaultyEvaluator._code(r.config) % 7 and FaultyEvaluator._code(r.config) % 11 == 0
    ]
    assert raised and nan and len(raised) + len(nan) == len(failed)
    assert all("macs" in r.values for r in nan)  # what was measured is kept
    log = [json.loads(line) for line in (tmp_path / "r.csv.failures.jsonl").read_text().splitlines()]
    assert len(log) == len(failed)
    assert {config_key(e["config"]) for e in log} == {config_key(r.config) for r in failed}
    assert any(e["error"] == "OutOfMemory: CUDA out of memory. Tried to allocate 2.00 GiB" for e in log)
    assert any(e["error"] == "accuracy_top1 is NaN" for e in log)
    assert res.pareto and all(np.isfinite(r.values["accuracy_top1"]) for r in res.pareto)
    # a failing chunk is measured again one by one: only the failing config itself fails
    assert {config_key(r.config) for r in raised} == {
        config_key(r.config) for r in rows if FaultyEvaluator._code(r.config) % 7 == 0
    }


def test_a_resumed_run_replays_its_failures(tmp_path):
    space = dl.SearchSpace(SPACE)
    whole = run(space, FaultyEvaluator(space), tmp_path / "a.csv")

    class Dies(FaultyEvaluator):
        def measure(self, configs, metrics):
            if "accuracy_top1" in metrics and configs and self.calls >= 30:
                raise SystemExit("killed")
            return super().measure(configs, metrics)

    with pytest.raises(SystemExit):
        run(space, Dies(space), tmp_path / "b.csv")
    again = FaultyEvaluator(space)
    resumed = run(space, again, tmp_path / "b.csv", resume=True)
    assert [r.config for r in resumed.records] == [r.config for r in whole.records]
    assert again.calls == 80 - 30
    a = [(r.config, r.values) for r in read_results(tmp_path / "a.csv")]
    b = [(r.config, r.values) for r in read_results(tmp_path / "b.csv")]
    assert a == b


def test_a_run_that_fails_everywhere_stops_with_a_clear_message(tmp_path):
    space = dl.SearchSpace(SPACE)
    out = tmp_path / "r.csv"
    with pytest.raises(SearchFailed, match=r"6 of 6 measured sub-networks failed, more than max_failures=5"):
        run(space, FaultyEvaluator(space, always=True), out, max_failures=None, num_evals=20)
    assert len(read_results(out)) == 6  # every attempt is on record
    with pytest.raises(SearchFailed, match="CUDA out of memory"):
        run(space, FaultyEvaluator(space, always=True), tmp_path / "s.csv", max_failures=2)
