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


def test_the_distributed_command_says_it_is_not_available_yet(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["search", *cut_down(DYNAST_README[6])])
    assert res.exit_code == 2 and "--distributed is not available yet" in res.output
    assert not (tmp_path / "results.csv").exists()


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
