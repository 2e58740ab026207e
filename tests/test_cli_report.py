"""``dynast-lite report`` and the report layer: Pareto tables, normalised hypervolume against a
stated reference point, hypervolume against validations, and the PNG plots."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from toy_supernet import SPACE, ToyEvaluator

import dynast_lite as dl
from dynast_lite.cli import main
from dynast_lite.report import (
    bounds_of,
    config_summary,
    default_objectives,
    hypervolume_curve,
    load_run,
    normalized_hypervolume,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two 2-objective runs (LINAS, evolutionary) and one 3-objective run of the toy supernet."""
    folder = tmp_path_factory.mktemp("runs")
    space = dl.SearchSpace(SPACE)
    out = {}
    for tactic, algo, metrics in (
        ("linas", "nsga2", ["accuracy_top1", "macs"]),
        ("evolutionary", "nsga2", ["accuracy_top1", "macs"]),
        ("linas", "unsga3", ["accuracy_top1", "macs", "latency"]),
    ):
        path = folder / f"{tactic}_{len(metrics)}.csv"
        dl.search(
            ToyEvaluator(space),
            space,
            metrics,
            ["accuracy_top1", "macs", "params", "latency"],
            search_tactic=tactic,
            search_algo=algo,
            num_evals=40,
            population=10,
            inner_evals=300,
            results_path=path,
        )
        out[path.stem] = path
    return out


def report(*args):
    return CliRunner().invoke(main, ["report", *map(str, args)])


def test_one_file_gives_its_table_hypervolume_and_plots(runs, tmp_path):
    res = report(runs["linas_2"], "--output_dir", tmp_path)
    assert res.exit_code == 0, res.output
    assert "40 sub-networks; Pareto set of" in res.output and "over accuracy_top1 and macs" in res.output
    assert "reference point: accuracy_top1" in res.output and "ideal point" in res.output
    assert "Top-1 Acc (%)" in res.output and "ks=" in res.output
    for name in ("linas_2_front.png", "linas_2_hypervolume.png"):
        assert (tmp_path / name).stat().st_size > 10_000


def test_several_files_are_compared_on_one_reference(runs, tmp_path):
    res = report(runs["linas_2"], runs["evolutionary_2"], "--output-dir", tmp_path)
    assert res.exit_code == 0, res.output
    assert (tmp_path / "comparison_fronts.png").stat().st_size > 10_000
    assert (tmp_path / "comparison_hypervolume.png").stat().st_size > 10_000
    a = load_run(runs["linas_2"], ["accuracy_top1", "macs"])
    b = load_run(runs["evolutionary_2"], ["accuracy_top1", "macs"])
    bounds = bounds_of([a, b])
    for run in (a, b):
        shown = f"hypervolume {normalized_hypervolume(run.F[run.front()], bounds):.4f}"
        assert shown in res.output


def test_three_objectives_take_the_run_s_own_and_get_pairwise_panels(runs, tmp_path):
    assert default_objectives([runs["linas_3"]]) == ("accuracy_top1", "macs", "latency")
    res = report(runs["linas_3"], "--output_dir", tmp_path)
    assert res.exit_code == 0, res.output
    assert "over accuracy_top1 and macs and latency" in res.output
    assert (tmp_path / "linas_3_front.png").stat().st_size > 10_000


def test_hypervolume_curve_grows_to_the_front_s_hypervolume(runs):
    run = load_run(runs["linas_2"], ["accuracy_top1", "macs"])
    bounds = bounds_of([run])
    curve = hypervolume_curve(run, bounds)
    assert curve.shape == (40,) and (np.diff(curve) >= -1e-12).all()
    assert curve[-1] == pytest.approx(normalized_hypervolume(run.F[run.front()], bounds))
    assert 0 < curve[-1] < 1
    # by hand: a single point at the ideal corner dominates the whole box
    assert normalized_hypervolume(bounds.ideal[None, :], bounds) == pytest.approx(1.0)


def test_constraints_filter_the_front(runs, tmp_path):
    res = report(runs["linas_2"], "--constraint", "macs<=1.0e8", "--no_plots")
    assert res.exit_code == 0, res.output
    run = load_run(runs["linas_2"], ["accuracy_top1", "macs"], ["macs<=1.0e8"])
    assert all(run.records[i].values["macs"] <= 1e8 for i in run.front())
    assert "constraints macs<=100000000" in res.output


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data not present")
def test_dynast_s_own_results_files(tmp_path):
    files = sorted(SHARED.glob("*.csv"))
    # single-objective GA runs: shown as accuracy against MACs, as DyNAS-T plots them
    assert default_objectives(files) == ("accuracy_top1", "macs")
    res = report(*files, "--output_dir", tmp_path)
    assert res.exit_code == 0, res.output
    assert "364 sub-networks" in res.output and "361 sub-networks" in res.output
    assert len(list(tmp_path.glob("*.png"))) == 4


def test_config_summary_is_compact():
    config = {"wid": None, "ks": [3, 5, 7], "e": [0.25, 0.35], "d": [2, 3], "r": [224]}
    assert config_summary(config) == "ks=357 e=0.25,0.35 d=23 r=224"
    assert config_summary(config, width=10) == "ks=357 e=…"


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.csv"], "missing.csv does not exist"),
        (["{linas_2}", "--optimization_metrics", "accuracy_top1", "flops"], "unknown metric 'flops'"),
        (["{linas_2}", "--optimization_metrics", "bleu", "macs"], "has no values of ['bleu']"),
        (["{not_results}"], "is not a results file"),
        (["{linas_2}", "--constraint", "macs<"], "cannot parse constraint 'macs<'"),
    ],
)
def test_bad_input_is_one_clear_error(runs, tmp_path, args, message):
    (tmp_path / "not_results.csv").write_text("a,b\n1,2\n")
    paths = {**{k: str(v) for k, v in runs.items()}, "not_results": str(tmp_path / "not_results.csv")}
    res = report(*[a.format(**paths) for a in args])
    assert res.exit_code == 2 and message in res.output and "Traceback" not in res.output


def test_without_matplotlib_the_error_says_how_to_install_it(runs, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    res = report(runs["linas_2"], "--output_dir", tmp_path)
    assert res.exit_code == 2 and "pip install 'dynast-lite[plot]'" in res.output


def test_the_report_layer_does_not_import_matplotlib():
    code = "import sys, dynast_lite.report; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
