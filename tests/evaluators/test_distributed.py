"""Distributed search under torchrun and mpirun: the same results file as one process, and a
rank that dies or hangs ends the run with a message naming it, everything kept and resumable."""

import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from dynast_lite.distributed import DistEnv, detect_env
from dynast_lite.results import read_results

TESTS = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TOY = [
    "--supernet",
    "toy_supernet:factory",
    "--num_evals",
    "30",
    "--population",
    "10",
    "--inner_evals",
    "300",
]
DIGITS = ["--supernet", "elastic_cnn_digits", "--random_weights", "--num_evals", "30", "--population", "10"]
DIGITS += ["--inner_evals", "1000", "--measurements", "accuracy_top1", "macs", "params", "latency"]


def _need(tool: str) -> str:
    path = shutil.which(tool, path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if path is None:
        if os.environ.get("DYNAST_LITE_REQUIRE_EVALUATORS") == "1":
            pytest.fail(f"{tool} is not installed (pip install -e '.[test]' brings mpich's mpirun)")
        pytest.skip(f"{tool} is not installed")
    return path


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(**extra) -> dict:
    env = dict(os.environ, PYTHONPATH=str(TESTS), OMP_NUM_THREADS="1", **extra)
    for key in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "TOY_KILL_AT", "TOY_KILL_RANK"):
        if key not in extra:
            env.pop(key, None)
    return env


def _cli() -> list[str]:
    return [sys.executable, "-m", "dynast_lite.cli", "search"]


def torchrun(args, cwd, **env):
    cmd = [_need("torchrun"), "--nproc_per_node", "2", "--master_port", str(_port()), "-m", "dynast_lite.cli"]
    cmd += ["search", *args, "--distributed"]
    return subprocess.run(cmd, cwd=cwd, env=_env(**env), capture_output=True, text=True, timeout=600)


def mpirun(args, cwd, **env):
    cmd = [_need("mpirun"), "-np", "2", "-env", "MASTER_PORT", str(_port()), *_cli(), *args, "--distributed"]
    return subprocess.run(cmd, cwd=cwd, env=_env(**env), capture_output=True, text=True, timeout=600)


def single(args, cwd, **env):
    return subprocess.run(
        [*_cli(), *args], cwd=cwd, env=_env(**env), capture_output=True, text=True, timeout=600
    )


def rows(path, drop=("latency",)):
    """Everything but dates and latency (a timing, different on every run)."""
    return [(r.config, {k: v for k, v in r.values.items() if k not in drop}) for r in read_results(path)]


@pytest.fixture(scope="module")
def toy_whole(tmp_path_factory):
    folder = tmp_path_factory.mktemp("toy-whole")
    assert single([*TOY, "--results_path", "r.csv", "--no_plots"], folder).returncode == 0
    return rows(folder / "r.csv")


def test_launcher_variables_are_read():
    assert detect_env({}) is None
    assert detect_env({"RANK": "1", "WORLD_SIZE": "4", "LOCAL_RANK": "1"}) == DistEnv(1, 4, 1, "torchrun")
    ompi = {"OMPI_COMM_WORLD_RANK": "3", "OMPI_COMM_WORLD_SIZE": "4", "OMPI_COMM_WORLD_LOCAL_RANK": "1"}
    assert detect_env(ompi) == DistEnv(3, 4, 1, "OpenMPI")
    assert detect_env({"PMI_RANK": "1", "PMI_SIZE": "2", "MPI_LOCALRANKID": "1"}) == DistEnv(
        1, 2, 1, "MPICH / Intel MPI"
    )
    with pytest.raises(ValueError, match="rank 4 outside a group of 4"):
        detect_env({"RANK": "4", "WORLD_SIZE": "4"})
    with pytest.raises(ValueError, match="not whole numbers"):
        detect_env({"PMI_RANK": "x", "PMI_SIZE": "2"})


@pytest.mark.slow
@pytest.mark.parametrize("launcher", [torchrun, mpirun], ids=["torchrun", "mpirun"])
def test_two_ranks_write_what_one_process_writes(tmp_path, launcher):
    """The embedded digits supernet (random weights: real sub-networks, real BN recalibration and
    validation), LINAS, same seed: the same rows as one process, latency and dates aside."""
    one = single([*DIGITS, "--results_path", "one.csv", "--no_plots", "--cache_dir", tmp_path], tmp_path)
    assert one.returncode == 0, one.stderr[-2000:]
    two = launcher([*DIGITS, "--results_path", "two.csv", "--no_plots", "--cache_dir", tmp_path], tmp_path)
    assert two.returncode == 0, two.stderr[-3000:]
    assert rows(tmp_path / "two.csv") == rows(tmp_path / "one.csv")
    assert two.stdout.count("Pareto set over") == 1  # rank 0 alone reports


@pytest.mark.slow
def test_a_hung_rank_is_named_and_the_run_resumes(tmp_path, toy_whole):
    res = mpirun(
        [*TOY, "--results_path", "r.csv", "--no_plots", "--dist_timeout", "5"],
        tmp_path,
        TOY_KILL_AT="hang:6",
        TOY_KILL_RANK="1",
    )
    assert res.returncode != 0
    assert "rank 1 of 2 did not answer within --dist_timeout 5 s" in res.stderr
    assert "rank 1: rank 0 has ended the run; this rank stops" in res.stderr
    kept = rows(tmp_path / "r.csv")
    assert 0 < len(kept) < 30 and kept == toy_whole[: len(kept)]
    command = res.stderr.strip().splitlines()
    assert any("--resume" in line for line in command)
    resumed = single([*TOY, "--results_path", "r.csv", "--no_plots", "--resume"], tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert rows(tmp_path / "r.csv") == toy_whole


@pytest.mark.slow
def test_a_killed_rank_is_named_and_the_run_resumes(tmp_path, toy_whole):
    res = torchrun(
        [*TOY, "--results_path", "r.csv", "--no_plots"], tmp_path, TOY_KILL_AT="measure:6", TOY_KILL_RANK="1"
    )
    assert res.returncode != 0
    out = res.stdout + res.stderr
    assert "rank      : 1 (local_rank: 1)" in out and "SIGKILL" in out  # torchrun names the dead rank
    assert "every sub-network measured so far is in r.csv; resume with" in out  # rank 0, stopped by it
    kept = rows(tmp_path / "r.csv")
    assert kept == toy_whole[: len(kept)]
    resumed = torchrun([*TOY, "--results_path", "r.csv", "--no_plots", "--resume"], tmp_path)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert rows(tmp_path / "r.csv") == toy_whole


@pytest.mark.slow
def test_a_dead_rank_is_named_by_its_heartbeat(tmp_path, toy_whole):
    """Without a launcher that cleans up (ranks on other machines), rank 0 notices a dead rank
    by its heartbeat."""
    port = str(_port())
    base = {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": port, "WORLD_SIZE": "2"}
    args = [*_cli(), *TOY, "--results_path", "r.csv", "--no_plots", "--distributed", "--dist_timeout", "4"]
    procs = [
        subprocess.Popen(
            args,
            cwd=tmp_path,
            env=_env(**base, RANK=str(r), LOCAL_RANK=str(r), TOY_KILL_AT="measure:6", TOY_KILL_RANK="1"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for r in (0, 1)
    ]
    out0, err0 = procs[0].communicate(timeout=120)
    procs[1].communicate(timeout=120)
    assert procs[1].returncode == -signal.SIGKILL
    assert procs[0].returncode == 1
    assert "rank 1 of 2 stopped (no heartbeat for 4 s)" in err0
    kept = rows(tmp_path / "r.csv")
    assert kept == toy_whole[: len(kept)]


SCRIPT = """
import json, sys
import dynast_lite as dl
from toy_supernet import SPACE, ToyEvaluator
space = dl.SearchSpace(SPACE)
res = dl.search(ToyEvaluator(space), space, num_evals=20, population=10, inner_evals=200,
                results_path="r.csv", distributed=True, dist_timeout=60)
print(json.dumps({"records": [[r.config, r.values] for r in res.records],
                  "pareto": [r.config for r in res.pareto], "tau": res.tau_history}))
"""


def test_every_rank_returns_the_same_result(tmp_path):
    base = {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(_port()), "WORLD_SIZE": "2"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT],
            cwd=tmp_path,
            env=_env(**base, RANK=str(r), LOCAL_RANK=str(r)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for r in (0, 1)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-2000:] for o in outs]
    assert outs[0][0] == outs[1][0] and len(outs[0][0]) > 100
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.csv.meta.json"]  # rank 0 alone writes


def test_rank_variables_alone_do_not_start_a_distributed_run(tmp_path, toy_whole):
    res = single([*TOY, "--results_path", "r.csv", "--no_plots"], tmp_path, RANK="1", WORLD_SIZE="2")
    assert res.returncode == 0, res.stderr
    assert rows(tmp_path / "r.csv") == toy_whole
