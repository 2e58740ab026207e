"""``dynast-lite search`` on the real supernets: DyNAS-T's README commands unchanged on the OFA
supernets (random weights, a generated image folder, budgets cut down), and the embedded
default with no arguments, as a new user runs it."""

import csv
import os
import shlex
import subprocess
import sys

import pytest
import torch
from click.testing import CliRunner

import dynast_evaluators as de
from dynast_lite.cli import main
from dynast_lite.results import read_results

from .conftest import make_image_folder

# DyNAS-T's README, with `dynast` replaced by `dynast-lite search`
DYNAST_README = [
    "--supernet ofa_mbv3_d234_e346_k357_w1.0 --optimization_metrics accuracy_top1 --measurements accuracy_top1 macs params --results_path mbnv3w10_ga_acc.csv --search_tactic evolutionary --num_evals 250 --search_algo ga",  # noqa: E501
    "--supernet ofa_mbv3_d234_e346_k357_w1.2 --optimization_metrics accuracy_top1 --measurements accuracy_top1 macs params --results_path mbnv3w12_linasga_acc.csv --search_tactic linas --num_evals 250 --search_algo ga",  # noqa: E501
    "--supernet ofa_mbv3_d234_e346_k357_w1.0 --optimization_metrics accuracy_top1 macs --measurements accuracy_top1 macs params --results_path mbnv3w10_linasnsga2_acc_macs.csv --search_tactic evolutionary --num_evals 250 --search_algo nsga2",  # noqa: E501
    "--supernet ofa_resnet50 --optimization_metrics accuracy_top1 params --measurements accuracy_top1 macs params --results_path resnet50_age_acc_params.csv --search_tactic evolutionary --num_evals 500 --search_algo age",  # noqa: E501
    "--supernet ofa_resnet50 --optimization_metrics accuracy_top1 macs params --measurements accuracy_top1 macs params --results_path resnet50_linasunsga3_acc_macs_params.csv --search_tactic evolutionary --num_evals 500 --search_algo unsga3",  # noqa: E501
    "--supernet ofa_mbv3_d234_e346_k357_w1.0 --optimization_metrics accuracy_top1 macs params --measurements accuracy_top1 macs params --results_path mbnv3w10_linasunsga3_acc_macs_params.csv --search_tactic linas --num_evals 500 --search_algo unsga3",  # noqa: E501
    "--supernet ofa_mbv3_d234_e346_k357_w1.0 --optimization_metrics accuracy_top1 macs --results_path results.csv --search_tactic linas --distributed --population 50 --num_evals 250",  # noqa: E501
]
DYNAST_HEADER = ["Sub-network", "Date", "Model Parameters", "Latency (ms)", "MACs", "Top-1 Acc (%)"]


def cut_down(command: str, num_evals: int = 6) -> list[str]:
    """The command with a small budget: fewer validations, a small population and inner search."""
    args = shlex.split(command)
    args[args.index("--num_evals") + 1] = str(num_evals)
    if "--population" in args:
        args[args.index("--population") + 1] = "3"
    else:
        args += ["--population", "3"]
    return args + ["--inner_evals", "200"]


@pytest.fixture(scope="module")
def image_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("imagenet")
    return make_image_folder(root, {"blue": ["blue"], "green": ["green", "red"], "red": ["red"]}, n_train=2)


@pytest.mark.slow
@pytest.mark.parametrize("command", DYNAST_README[:6], ids=[f"readme{i + 1}" for i in range(6)])
def test_dynast_s_readme_commands_run_unchanged(command, tmp_path, monkeypatch, cache_dir, image_folder):
    monkeypatch.chdir(tmp_path)
    args = cut_down(command) + ["--dataset_path", image_folder, "--random_weights", "--cache_dir", cache_dir]
    if command != DYNAST_README[0]:  # the first keeps DyNAS-T's 4 loader workers; the rest save the forks
        args += ["--dataloader_workers", "0"]
    res = CliRunner().invoke(main, ["search", *map(str, args)])
    assert res.exit_code == 0, res.output
    out = tmp_path / args[args.index("--results_path") + 1]
    with open(out, newline="") as fh:
        assert next(csv.reader(fh)) == DYNAST_HEADER
    rows = read_results(out)
    assert len(rows) == 6 and all(set(r.values) == {"accuracy_top1", "macs", "params"} for r in rows)
    assert "Pareto set over" in res.output and "validations 6/6" in res.output


@pytest.mark.slow
def test_a_dynast_command_with_a_checkpoint_file(tmp_path, monkeypatch, cache_dir, image_folder):
    from dynast_evaluators.ofa.networks import build_supernet

    monkeypatch.chdir(tmp_path)
    torch.save(
        {"state_dict": build_supernet(de.SUPERNETS["ofa_mbv3_d234_e346_k357_w1.0"]).state_dict()}, "w.pth"
    )
    args = cut_down(DYNAST_README[2], num_evals=4) + [
        "--dataset_path",
        image_folder,
        "--supernet_ckpt_path",
        "w.pth",
        "--cache_dir",
        cache_dir,
        "--dataloader_workers",
        "0",
    ]
    res = CliRunner().invoke(main, ["search", *map(str, args)])
    assert res.exit_code == 0, res.output
    assert len(read_results(tmp_path / "mbnv3w10_linasnsga2_acc_macs.csv")) == 4


@pytest.mark.slow
def test_the_distributed_readme_command_under_mpirun(tmp_path, cache_dir, image_folder):
    import shutil
    import socket

    bin_dir = os.path.dirname(sys.executable)
    mpirun = shutil.which("mpirun", path=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    if mpirun is None:
        if os.environ.get("DYNAST_LITE_REQUIRE_EVALUATORS") == "1":
            pytest.fail("mpirun is not installed (pip install -e '.[test]' brings mpich's)")
        pytest.skip("mpirun is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = str(s.getsockname()[1])
    args = cut_down(DYNAST_README[6]) + ["--dataset_path", image_folder, "--random_weights"]
    # DyNAS-T's default latency batch is 128 images; one keeps this CPU test short
    args += ["--cache_dir", cache_dir, "--dataloader_workers", "0", "--batch_size", "1"]
    cmd = [mpirun, "-np", "2", "-env", "MASTER_PORT", port, sys.executable, "-m", "dynast_lite.cli", "search"]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    run = subprocess.run(cmd + [str(a) for a in args], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    rows = read_results(tmp_path / "results.csv")
    assert len(rows) == 6 and all(
        {"accuracy_top1", "macs", "params", "latency"} <= set(r.values) for r in rows
    )
    with open(tmp_path / "results.csv", newline="") as fh:
        assert next(csv.reader(fh)) == DYNAST_HEADER


def test_accuracy_without_a_dataset_is_one_clear_error(tmp_path, monkeypatch, cache_dir):
    monkeypatch.chdir(tmp_path)
    args = cut_down(DYNAST_README[0]) + ["--random_weights", "--cache_dir", cache_dir]
    res = CliRunner().invoke(main, ["search", *map(str, args)])
    assert res.exit_code == 2 and "need an ImageNet-style dataset folder: pass dataset_path" in res.output
    assert not (tmp_path / "mbnv3w10_ga_acc.csv").exists()  # it failed before writing anything
    res = CliRunner().invoke(main, ["search", *map(str, args), "--dataset_path", tmp_path / "none"])
    assert res.exit_code == 2 and "does not exist" in res.output


@pytest.mark.slow
def test_the_embedded_default_as_a_new_user_runs_it(tmp_path):
    """`dynast-lite search` with no arguments in an empty folder and an empty cache: trains the
    digits supernet once, searches, writes the results file and plots, prints the front."""
    env = dict(os.environ, DYNAST_LITE_CACHE=str(tmp_path / "cache"))
    run = subprocess.run(
        [sys.executable, "-m", "dynast_lite.cli", "search"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    results = tmp_path / "elastic_cnn_digits_linas_nsga2.csv"
    rows = read_results(results)
    assert len(rows) == 100
    assert "training the elastic_cnn_digits supernet once" in run.stderr
    for png in ("elastic_cnn_digits_linas_nsga2_front.png", "elastic_cnn_digits_linas_nsga2_hypervolume.png"):
        assert (tmp_path / png).stat().st_size > 10_000
    assert "Pareto set over accuracy_top1 and macs" in run.stdout
    # the front spans at least a 3x range of MACs
    ev = de.load_supernet("elastic_cnn_digits", cache_dir=str(tmp_path / "cache"))
    from dynast_lite.report import load_run

    front = load_run(results, ["accuracy_top1", "macs"]).front()
    macs = [rows[i].values["macs"] for i in front]
    assert max(macs) >= 3 * min(macs)
    # the trained supernet is cached: its largest sub-network is above 95% top-1
    largest = ev.measure([ev.supernet.largest()], ["accuracy_top1"])[0]["accuracy_top1"]
    assert largest > 95.0
    # a second run starts from the cache and never touches the first file
    before = results.read_bytes()
    again = subprocess.run(
        [sys.executable, "-m", "dynast_lite.cli", "search", "--num_evals", "20", "--no_plots"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert again.returncode == 0, again.stderr[-3000:]
    assert "training" not in again.stderr and results.read_bytes() == before
    assert len(read_results(tmp_path / "elastic_cnn_digits_linas_nsga2_2.csv")) == 20


def _write_results(path, configs, metrics=("macs",)):
    from dynast_lite.results import Record, ResultsLog

    log = ResultsLog(path, list(metrics))
    for c in configs:
        log.append(Record(c, {m: 1.0 for m in metrics}))
    return path


DIGITS = ["--supernet", "elastic_cnn_digits", "--num_evals", "4", "--population", "2", "--inner_evals", "200"]
DIGITS += ["--random_weights"]
OFA = ["--supernet", "ofa_mbv3_d234_e346_k357_w1.0", "--num_evals", "4", "--population", "2"]
W10_CONFIG = {"wid": None, "ks": [3] * 20, "e": [3] * 20, "d": [2] * 5, "r": [224]}


@pytest.fixture(scope="module")
def digits_run(tmp_path_factory, cache_dir):
    """A finished run on the digits supernet, with a row appended that no run wrote."""
    folder = tmp_path_factory.mktemp("digits-run")
    args = ["search", *DIGITS, "--results_path", folder / "run.csv", "--no_plots", "--cache_dir", cache_dir]
    run = CliRunner().invoke(main, [str(a) for a in args])
    assert run.exit_code == 0, run.output
    with open(folder / "run.csv", "a") as fh:
        fh.write("\"{'ks': [3, 9]}\",x,,,,\n")  # outside the space
    return folder


@pytest.fixture
def bad_inputs(tmp_path, cache_dir, image_folder, digits_run):
    """Files for the table of bad inputs (fresh copies for each test)."""
    import shutil

    from dynast_evaluators.digits.network import ElasticCNN

    for name in ("run.csv", "run.csv.meta.json"):
        shutil.copy(digits_run / name, tmp_path / name)

    (tmp_path / "empty").mkdir()
    torch.save({"x": torch.zeros(2)}, tmp_path / "other.pth")
    (tmp_path / "not_weights.pth").write_text("hello")
    (tmp_path / "corrupt.csv").write_text("Sub-network,Date,MACs\n\"{'ks': [3\",x,1\n")
    _write_results(tmp_path / "foreign.csv", [W10_CONFIG])
    _write_results(tmp_path / "mine.csv", [ElasticCNN.largest()])
    (tmp_path / "a_file").write_text("x")
    return {"tmp": tmp_path, "cache": cache_dir, "images": image_folder}


IMAGES, CKPT = ["--dataset_path", "{images}"], "--supernet_ckpt_path"
SUPERNET_BAD = [
    (OFA + ["--dataset_path", "{tmp}/nowhere"], "dataset folder {tmp}/nowhere does not exist"),
    (OFA + ["--dataset_path", "{tmp}/empty"], "has no train/ folder"),
    (OFA + IMAGES + [CKPT, "{tmp}/other.pth"], "does not hold weights of"),
    (OFA + IMAGES + [CKPT, "{tmp}/not_weights.pth"], "not a readable PyTorch checkpoint"),
    (OFA + IMAGES + [CKPT, "{tmp}/missing.pth"], "missing.pth does not exist"),
    (OFA + ["--random_weights", "--measurements", "accuracy_top1", "macs"], "need an ImageNet-style dataset"),
    (DIGITS + ["-d", "cuda:7"], "device 'cuda:7' is not available"),
    (DIGITS + ["-d", "tpu"], "unknown device 'tpu'"),
    (DIGITS + IMAGES, "it takes no dataset path"),
    (
        DIGITS + ["--warm_start", "{tmp}/corrupt.csv"],
        "corrupt.csv:2: the sub-network is not a Python literal",
    ),
    (DIGITS + ["--warm_start", "{tmp}/foreign.csv"], "foreign.csv, row 2: 'ks' needs 9 values, got 20"),
    (DIGITS + ["--results_path", "{tmp}/foreign.csv", "--resume"], "has no settings file"),
    (DIGITS + ["--results_path", "{tmp}/run.csv", "--resume"], "row 6 is not a config of this search space"),
    (DIGITS + ["--results_path", "{tmp}/run.csv", "--resume", "--seed", "1"], "settings differ"),
    (DIGITS + ["--results_path", "{tmp}/a_file/r.csv"], "cannot write the results file {tmp}/a_file/r.csv"),
    (DIGITS + ["--results_path", "{tmp}/mine.csv"], "already exists and is never overwritten"),
    (DIGITS + ["--measurements", "accuracy_top1", "macs", "bleu"], "cannot measure ['bleu']"),
    (DIGITS + ["--optimization_metrics", "accuracy_top1", "macs", "params"], "'nsga2' takes 2"),
]


@pytest.mark.parametrize("args, message", SUPERNET_BAD, ids=[f"bad{i}" for i in range(len(SUPERNET_BAD))])
def test_bad_input_on_real_supernets_is_one_clear_error(bad_inputs, monkeypatch, args, message):
    tmp = bad_inputs["tmp"]
    monkeypatch.chdir(tmp)
    files = {p: p.read_bytes() for p in tmp.rglob("*") if p.is_file()}
    fill = {"tmp": str(tmp), "images": str(bad_inputs["images"])}
    argv = [a.format(**fill) for a in args] + ["--cache_dir", str(bad_inputs["cache"])]
    res = CliRunner().invoke(main, ["search", *argv])
    assert res.exit_code == 2, res.output
    assert message.format(**fill) in res.output
    assert "Traceback" not in res.output and len(res.output.strip().splitlines()[-1]) < 400
    assert {p: p.read_bytes() for p in tmp.rglob("*") if p.is_file()} == files  # nothing written or changed
