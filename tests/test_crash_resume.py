"""SIGKILL at any moment, then the same command with --resume: no written row lost, none
measured twice, and the final results file equals an uninterrupted run's."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dynast_lite.results import read_results

TESTS = Path(__file__).parent
COMMAND = [
    "search",
    "--supernet",
    "toy_supernet:factory",
    "--num_evals",
    "30",
    "--population",
    "10",
    "--inner_evals",
    "300",
    "--results_path",
    "r.csv",
    "--no_plots",
]


def cli(cwd, *extra, kill_at=None):
    env = dict(os.environ, PYTHONPATH=str(TESTS))
    env.pop("TOY_KILL_AT", None)
    if kill_at:
        env["TOY_KILL_AT"] = kill_at
    cmd = [sys.executable, "-m", "dynast_lite.cli", *COMMAND, *extra]
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def rows(path):
    return [(r.config, r.values) for r in read_results(path)]  # everything but the dates


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("whole")
    assert cli(folder).returncode == 0
    return rows(folder / "r.csv")


@pytest.mark.slow
@pytest.mark.parametrize(
    "kill_at, written",
    [("measure:0", 0), ("measure:15", 15), ("cheap:40", None)],
    ids=["before-the-first-row", "mid-batch", "in-the-inner-search"],
)
def test_killed_then_resumed_equals_uninterrupted(tmp_path, uninterrupted, kill_at, written):
    killed = cli(tmp_path, kill_at=kill_at)
    assert killed.returncode == -signal.SIGKILL
    kept = rows(tmp_path / "r.csv")
    if written is not None:
        assert len(kept) == written
    assert kept == uninterrupted[: len(kept)]  # what was written is the uninterrupted run's start
    resumed = cli(tmp_path, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert rows(tmp_path / "r.csv") == uninterrupted
    if written == 0:
        assert "starting the run afresh" in resumed.stderr


def test_resuming_a_finished_run_measures_nothing(tmp_path, uninterrupted):
    """As after a kill once the last row was written (while the summary or plots were made)."""
    assert cli(tmp_path).returncode == 0
    before = (tmp_path / "r.csv").read_bytes()
    again = cli(tmp_path, "--resume", kill_at="measure:0")  # dies if it measures anything
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "r.csv").read_bytes() == before


def test_an_incomplete_last_row_is_measured_again(tmp_path, uninterrupted):
    cli(tmp_path, kill_at="measure:12")
    data = (tmp_path / "r.csv").read_bytes()
    (tmp_path / "r.csv").write_bytes(data[:-20])  # a row cut off by a power cut
    resumed = cli(tmp_path, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "incomplete row" in resumed.stderr
    assert rows(tmp_path / "r.csv") == uninterrupted


def test_sigint_from_outside_stops_cleanly_and_resumes(tmp_path, uninterrupted):
    env = dict(os.environ, PYTHONPATH=str(TESTS))
    cmd = [sys.executable, "-m", "dynast_lite.cli", *COMMAND, "--num_evals", "30"]
    proc = subprocess.Popen(
        cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        path = tmp_path / "r.csv"
        if path.exists() and len(path.read_text().splitlines()) > 5:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    if proc.returncode == 0:  # it finished before the signal landed
        assert rows(tmp_path / "r.csv") == uninterrupted
        return
    assert proc.returncode == 130, err
    assert "--resume" in err.strip().splitlines()[-1]
    assert cli(tmp_path, "--resume").returncode == 0
    assert rows(tmp_path / "r.csv") == uninterrupted
