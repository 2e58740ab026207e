"""``dynast-lite search`` through click's CliRunner and as a subprocess, on the toy supernet
(``toy_supernet:factory``): every DyNAS-T flag in both spellings, list flags, the run, its
output and files, resume and extension, Ctrl-C, and bad input."""

import csv
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import toy_supernet
from click.testing import CliRunner

from dynast_lite.algorithms.registry import ALGORITHMS
from dynast_lite.cli import main
from dynast_lite.cli_search import ALGORITHM_NAMES, search
from dynast_lite.results import read_results

TOY = "toy_supernet:factory"
FAST = ["--supernet", TOY, "--num_evals", "30", "--population", "10", "--inner_evals", "300"]

# every DyNAS-T flag of `dynast` (1.6), a value to give it, and the parameter it sets
DYNAST_FLAGS = [
    ("supernet", "ofa_resnet50", "supernet", "ofa_resnet50"),
    ("seed", "7", "seed", 7),
    ("optimization_metrics", "accuracy_top1 params", "optimization_metrics", ("accuracy_top1", "params")),
    ("measurements", "accuracy_top1 macs params", "measurements", ("accuracy_top1", "macs", "params")),
    ("device", "cuda:1", "device", "cuda:1"),
    ("num_evals", "500", "num_evals", 500),
    ("batch_size", "64", "batch_size", 64),
    ("eval_batch_size", "32", "eval_batch_size", 32),
    ("test_fraction", "0.5", "test_fraction", 0.5),
    ("dataloader_workers", "2", "dataloader_workers", 2),
    ("population", "20", "population", 20),
    ("results_path", "r.csv", "results_path", "r.csv"),
    ("dataset_path", "/data/imagenet", "dataset_path", "/data/imagenet"),
    ("supernet_ckpt_path", "w.pth", "supernet_ckpt_path", "w.pth"),
    ("search_tactic", "evolutionary", "search_tactic", "evolutionary"),
    ("search_algo", "unsga3", "search_algo", "unsga3"),
    ("verbose", None, "verbose", True),
    ("distributed", None, "distributed", True),
    ("dist_timeout", "60", "dist_timeout", 60),
    ("backend", "gloo", "backend", "gloo"),
    ("local_rank", "3", "local_rank", 3),
    ("mp_calibration_samples", "50", "mp_calibration_samples", 50),
    # beyond DyNAS-T
    ("resume", None, "resume", True),
    ("warm_start", "a.csv b.csv", "warm_start", ("a.csv", "b.csv")),
    ("constraint", "latency<=20", "constraints", ("latency<=20",)),
    ("inner_evals", "1000", "inner_evals", 1000),
    ("predictor", "ridge", "predictor", "ridge"),
    ("random_weights", None, "random_weights", True),
    ("cache_dir", "/tmp/c", "cache_dir", "/tmp/c"),
    ("no_plots", None, "no_plots", True),
    ("max_failures", "7", "max_failures", 7),
]


def invoke(*args, **kw):
    return CliRunner().invoke(main, ["search", *map(str, args)], **kw)


def parse(args: list[str]) -> dict:
    return search.make_context("search", list(args)).params


@pytest.mark.parametrize("flag, value, dest, expected", DYNAST_FLAGS, ids=[f[0] for f in DYNAST_FLAGS])
@pytest.mark.parametrize("spelling", ["snake", "kebab"])
def test_every_flag_in_both_spellings(flag, value, dest, expected, spelling):
    name = flag if spelling == "snake" else flag.replace("_", "-")
    args = [f"--{name}", *(value.split() if value else [])]
    assert parse(args)[dest] == expected


def test_short_flags_repeated_flags_and_defaults():
    p = parse(["-d", "cuda", "-v", "--measurements", "macs", "--measurements", "params", "latency"])
    assert p["device"] == "cuda" and p["verbose"] and p["measurements"] == ("macs", "params", "latency")
    p = parse(["--constraint", "latency<=20", "--constraint", "params<=5e6"])
    assert p["constraints"] == ("latency<=20", "params<=5e6")
    d = parse([])
    assert d["supernet"] == "elastic_cnn_digits" and d["seed"] == 42 and d["device"] == "cpu"
    assert d["optimization_metrics"] == ("accuracy_top1", "macs")
    assert d["measurements"] == ("accuracy_top1", "macs", "params", "latency")
    assert (d["batch_size"], d["test_fraction"], d["dataloader_workers"], d["dist_timeout"]) == (
        128,
        1.0,
        4,
        3600,
    )
    assert (d["search_tactic"], d["search_algo"]) == ("linas", "nsga2")


def test_algorithm_names_match_the_registry():
    assert set(ALGORITHM_NAMES) == set(ALGORITHMS)


def test_help_lists_every_flag():
    out = CliRunner().invoke(main, ["search", "--help"]).output
    for flag, *_ in DYNAST_FLAGS:
        if flag != "local_rank":  # hidden: set by torch's old launcher
            assert f"--{flag}" in out and f"--{flag.replace('_', '-')}" in out, flag
    assert "-d, --device" in out and "-v, --verbose" in out
    main_help = CliRunner().invoke(main, ["--help"]).output
    assert all(c in main_help for c in ("search", "report", "measure", "supernets", "optimize"))


def _header(path):
    with open(path, newline="") as fh:
        return next(csv.reader(fh))


@pytest.mark.parametrize(
    "tactic, algo, metrics",
    [
        ("linas", "nsga2", "accuracy_top1 macs"),
        ("evolutionary", "ga", "accuracy_top1"),
        ("random", "nsga2", "accuracy_top1 macs"),
        ("linas", "unsga3", "accuracy_top1 macs params"),
    ],
)
def test_a_run_writes_dynast_s_format_the_front_and_plots(tmp_path, tactic, algo, metrics):
    out = tmp_path / "r.csv"
    res = invoke(
        *FAST,
        "--search_tactic",
        tactic,
        "--search_algo",
        algo,
        "--optimization_metrics",
        *metrics.split(),
        "--measurements",
        "accuracy_top1",
        "macs",
        "params",
        "--results_path",
        out,
    )
    assert res.exit_code == 0, res.output
    assert _header(out) == [
        "Sub-network",
        "Date",
        "Model Parameters",
        "Latency (ms)",
        "MACs",
        "Top-1 Acc (%)",
    ]
    assert len(read_results(out)) == 30
    assert "Pareto set over" in res.output and "hypervolume" in res.output
    assert "validations 30/30" in res.output  # the progress line (stderr, mixed in by CliRunner)
    m = len(metrics.split())
    if m >= 2:
        assert (tmp_path / "r_front.png").stat().st_size > 10_000
        assert (tmp_path / "r_hypervolume.png").stat().st_size > 10_000
    resume = res.output.strip().splitlines()[-1].strip()
    assert resume.startswith("dynast-lite search") and "--resume" in resume and "--num_evals 60" in resume


def test_the_printed_command_extends_the_run(tmp_path):
    out = tmp_path / "r.csv"
    first = invoke(*FAST, "--results_path", out, "--seed", "5")
    command = shlex.split(first.output.strip().splitlines()[-1])
    assert command[:2] == ["dynast-lite", "search"]
    again = CliRunner().invoke(main, command[1:])
    assert again.exit_code == 0, again.output
    rows = read_results(out)
    assert len(rows) == 60 and len({repr(r.config) for r in rows}) == 60
    assert "(resuming)" in again.output


def test_default_results_path_never_reuses_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for expected in ("toy_supernet_linas_nsga2.csv", "toy_supernet_linas_nsga2_2.csv"):
        res = invoke(*FAST, "--no_plots")
        assert res.exit_code == 0, res.output
        assert f"results: {expected}" in res.output
    # --resume without a path continues the latest one
    res = invoke(*FAST, "--no_plots", "--resume", "--num_evals", "40")
    assert res.exit_code == 0 and "results: toy_supernet_linas_nsga2_2.csv (resuming)" in res.output
    assert len(read_results(tmp_path / "toy_supernet_linas_nsga2.csv")) == 30
    assert len(read_results(tmp_path / "toy_supernet_linas_nsga2_2.csv")) == 40


def test_ctrl_c_keeps_every_row_and_prints_the_command_that_resumes(tmp_path, monkeypatch):
    monkeypatch.setattr(toy_supernet, "INTERRUPT_AFTER", [12])
    out = tmp_path / "r.csv"
    res = invoke(*FAST, "--results_path", out, "--no_plots")
    assert res.exit_code == 130
    assert "stopping once the sub-network being measured is written" in res.output
    assert "interrupted: every sub-network measured so far is in" in res.output
    assert len(read_results(out)) == 13  # the one in flight was finished and written
    monkeypatch.setattr(toy_supernet, "INTERRUPT_AFTER", [])
    command = shlex.split(res.output.strip().splitlines()[-1])
    again = CliRunner().invoke(main, command[1:])
    assert again.exit_code == 0, again.output
    whole = invoke(*FAST, "--results_path", tmp_path / "whole.csv", "--no_plots")
    assert whole.exit_code == 0
    assert [r.config for r in read_results(out)] == [r.config for r in read_results(tmp_path / "whole.csv")]


def test_evaluator_options_reach_the_factory(tmp_path):
    res = invoke(
        *FAST, "--results_path", tmp_path / "r.csv", "--no_plots", "--eval_batch_size", "16", "-d", "cuda"
    )
    assert res.exit_code == 0, res.output
    opts = toy_supernet.LAST_OPTIONS
    assert opts["latency_batch_size"] == 128 and opts["batch_size"] == 16 and opts["device"] == "cuda"
    assert opts["num_workers"] == 4 and opts["seed"] == 42 and opts["test_fraction"] == 1.0
    assert "checkpoint" not in opts and "pretrained" not in opts
    # a factory without **options gets what it names; a flag it does not take is an error
    strict = ["--supernet", "toy_supernet:strict_factory", *FAST[2:], "--no_plots"]
    ok = invoke(*strict, "--results_path", tmp_path / "s.csv")
    assert ok.exit_code == 0, ok.output
    bad = invoke(*strict, "--results_path", tmp_path / "t.csv", "--dataset_path", tmp_path)
    assert bad.exit_code == 2 and "takes none of the options ['dataset_path']" in bad.output


def test_constraints_and_warm_start_through_the_cli(tmp_path):
    first = tmp_path / "a.csv"
    assert invoke(*FAST, "--results_path", first, "--no_plots").exit_code == 0
    out = tmp_path / "b.csv"
    res = invoke(
        *FAST, "--results_path", out, "--no_plots", "--warm_start", first, "--constraint", "macs<=1.1e8"
    )
    assert res.exit_code == 0, res.output
    meta = json.loads(Path(f"{out}.meta.json").read_text())
    assert meta["settings"]["constraints"] == ["macs<=110000000"] and meta["warm_start"] == [str(first)]
    known = {repr(r.config) for r in read_results(first)}
    assert not known & {repr(r.config) for r in read_results(out)}


BAD = [
    (["--supernet", "ofa_mbv9"], "unknown supernet 'ofa_mbv9'"),
    (["--supernet", "nowhere.module:make"], "cannot load supernet factory 'nowhere.module:make'"),
    (["--optimization_metrics", "accuracy_top1", "flops"], "unknown metric 'flops'"),
    (
        [
            "--measurements",
            "accuracy_top1",
            "macs",
            "bleu",
            "--optimization_metrics",
            "accuracy_top1",
            "macs",
        ],
        "cannot measure ['bleu']",
    ),
    (["--search_algo", "ga"], "'ga' takes 1 objective(s) but 2"),
    (["--search_algo", "nsga9"], "'nsga9' is not one of"),
    (["--search_tactic", "bayes"], "'bayes' is not one of"),
    (["--num_evals", "0"], "Invalid value for '--num_evals' / '--num-evals': 0 is not in the range x>=1"),
    (["--population", "-5"], "Invalid value for '--population': -5 is not in the range x>=1"),
    (["--batch_size", "0"], "Invalid value for '--batch_size' / '--batch-size': 0 is not in the range x>=1"),
    (
        ["--test_fraction", "0"],
        "Invalid value for '--test_fraction' / '--test-fraction': 0.0 is not in the range 0.0<x<=1.0",
    ),
    (["--inner_evals", "0"], "0 is not in the range x>=1"),
    (["--dist_timeout", "0"], "0 is not in the range x>=1"),
    (["--population", "40"], "num_evals (30) must be at least the population (40)"),
    (["--num_evals", "ten"], "'ten' is not a valid integer"),
    (["--constraint", "latency<20"], "cannot parse constraint 'latency<20'"),
    (["--constraint", "bleu>=20"], "bound metrics that are not measured"),
    (["--predictor", "svr"], "'svr' is not one of"),
    (["--distributed"], "--distributed needs a launcher: run under torchrun"),
    (["--max_failures", "-1"], "-1 is not in the range x>=0"),
    (
        ["--optimization_metrics", "accuracy_top1", "macs", "--measurements", "macs"],
        "must also be in measurements",
    ),
    (["--warm_start", "missing.csv"], "missing.csv does not exist"),
    (["--seed", "3"], "these settings differ from the saved run's: ['settings.seed']"),
    (["--num_evals", "10"], "it already holds 30 measured sub-networks"),
    (["--no_such_flag"], "No such option '--no_such_flag'"),
]


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("finished") / "r.csv"
    assert invoke(*FAST, "--results_path", out, "--no_plots").exit_code == 0
    return out


@pytest.mark.parametrize("args, message", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_one_clear_error_and_nothing_is_touched(finished_run, args, message):
    meta = Path(f"{finished_run}.meta.json")
    before = finished_run.read_bytes(), meta.read_bytes()
    res = invoke(*FAST, "--results_path", finished_run, "--resume", *args)
    assert res.exit_code == 2, res.output
    assert message in res.output
    assert "Traceback" not in res.output
    assert (finished_run.read_bytes(), meta.read_bytes()) == before


def test_an_existing_results_file_is_left_byte_for_byte(tmp_path):
    out = tmp_path / "r.csv"
    out.write_text(
        "Sub-network,Date,Model Parameters,Latency (ms),MACs,Top-1 Acc (%)\n\"{'d': [2]}\",x,1,,2,3\n"
    )
    before = out.read_bytes()
    res = invoke(*FAST, "--results_path", out)
    assert res.exit_code == 2
    assert (
        "already exists and is never overwritten: pass --resume" in res.output
        and "--results_path" in res.output
    )
    assert out.read_bytes() == before and not Path(f"{out}.meta.json").exists()


def test_as_a_subprocess(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parent))
    cmd = [sys.executable, "-m", "dynast_lite.cli", "search", *FAST, "--results-path", "r.csv", "--no-plots"]
    out = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "Pareto set over accuracy_top1 and macs" in out.stdout
    assert "validations 30/30" in out.stderr
    assert len(read_results(tmp_path / "r.csv")) == 30
    bad = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "already exists" in bad.stderr and "Traceback" not in bad.stderr


def test_verbose_adds_the_traceback_to_a_refusal(tmp_path):
    args = [*FAST, "--results_path", tmp_path / "r.csv", "--optimization_metrics", "accuracy_top1", "flops"]
    quiet = invoke(*args)
    loud = invoke(*args, "-v")
    assert quiet.exit_code == loud.exit_code == 2
    assert "Traceback" not in quiet.output and "Traceback" in loud.output
    assert "unknown metric 'flops'" in loud.output.strip().splitlines()[-1]
