"""A whole LINAS run on a real OFA supernet (random weights, generated image folder): the
evaluator plugs into dl.search, its exact metrics feed the inner loop, the log is exact."""

import pytest

import dynast_evaluators as de
import dynast_lite as dl
from dynast_lite.results import read_results

from .conftest import make_image_folder

W10 = "ofa_mbv3_d234_e346_k357_w1.0"


@pytest.mark.slow
def test_linas_on_ofa_mbv3(tmp_path, cache_dir):
    root = make_image_folder(
        tmp_path / "imgs", {"blue": ["blue"], "green": ["green"], "red": ["red", "blue"]}
    )
    ev = de.load_supernet(
        W10,
        pretrained=False,
        dataset_path=str(root),
        cache_dir=str(cache_dir),
        bn_images=3,
        bn_batch_size=3,
        num_workers=0,
    )
    calls = []
    measure = ev.measure
    ev.measure = lambda configs, metrics: (
        calls.append((len(configs), tuple(metrics))) or measure(configs, metrics)
    )
    exact_rows = ev.exact_rows  # the inner loops' path: index rows, no configs built
    ev.exact_rows = lambda X, metrics: calls.append((len(X), tuple(metrics))) or exact_rows(X, metrics)
    out = tmp_path / "results.csv"
    res = dl.search(
        ev,
        ev.space,
        optimization_metrics=["accuracy_top1", "macs"],
        measurements=["accuracy_top1", "macs", "params"],
        search_tactic="linas",
        num_evals=6,
        population=3,
        inner_evals=300,
        seed=1,
        results_path=out,
    )
    records = read_results(out)
    assert len(records) == len(res.records) == 6
    macs, params = ev.exact([r.config for r in records])
    assert [r.values["macs"] for r in records] == macs.tolist()
    assert [r.values["params"] for r in records] == params.tolist()
    assert all(0.0 <= r.values["accuracy_top1"] <= 100.0 for r in records)
    # accuracy was measured 6 times; the inner loops asked only for the exact metrics
    accuracy_calls = [n for n, m in calls if "accuracy_top1" in m]
    assert sum(accuracy_calls) == 6
    cheap = [m for _, m in calls if "accuracy_top1" not in m]
    assert cheap and all(set(m) <= set(ev.exact_metrics) for m in cheap)
    assert len(res.pareto) >= 1
