"""What a distributed search costs: the same LINAS run in one process and on two ranks (torchrun
and mpirun), on the embedded digits supernet (real sub-networks, random weights, no training in
the timing) and on the toy supernet of the tests, whose measurements take microseconds, so that
its difference is the protocol's own overhead. Each run is a fresh ``dynast-lite search``; the
time is the search's own, from the first measured row to the last (start-up excluded). Needs the
evaluators and mpich."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from _mode import pick

from dynast_lite.results import read_results

pytest.importorskip("torch")
ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CASES = {
    "digits": ["--supernet", "elastic_cnn_digits", "--random_weights", "--inner_evals", "1000"],
    "toy": ["--supernet", "toy_supernet:factory", "--inner_evals", "300"],
}
EVALS = pick(20, 60)
BUDGET = ["--num_evals", str(EVALS), "--population", "10", "--no_plots"]
MODES = {
    "dynast-lite, one process, 2 threads": ("single", 2),
    "dynast-lite, one process, 1 thread": ("single", 1),
    "dynast-lite, torchrun 2 ranks, 1 thread each": ("torchrun", 1),
    "dynast-lite, mpirun 2 ranks, 1 thread each": ("mpirun", 1),
}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(mode: str, case: str, folder: Path, threads: int) -> float:
    out = folder / f"{mode}-{case}-{threads}.csv"
    out.unlink(missing_ok=True)
    Path(f"{out}.meta.json").unlink(missing_ok=True)
    cli = [
        "-m",
        "dynast_lite.cli",
        "search",
        *CASES[case],
        *BUDGET,
        "--results_path",
        str(out),
        "--cache_dir",
        str(folder),
    ]
    if mode == "torchrun":
        cmd = [
            str(BIN / "torchrun"),
            "--nproc_per_node",
            "2",
            "--master_port",
            str(_port()),
            *cli,
            "--distributed",
        ]
    elif mode == "mpirun":
        mpirun = shutil.which("mpirun", path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
        if mpirun is None:
            pytest.skip("mpirun is not installed")
        cmd = [mpirun, "-np", "2", "-env", "MASTER_PORT", str(_port()), sys.executable, *cli, "--distributed"]
    else:
        cmd = [sys.executable, *cli]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tests"), OMP_NUM_THREADS=str(threads))
    subprocess.run(cmd, cwd=folder, env=env, check=True, capture_output=True, timeout=900)
    dates = [dt.datetime.fromisoformat(r.date) for r in read_results(out)]
    return (dates[-1] - dates[0]).total_seconds()


@pytest.mark.parametrize("impl", list(MODES))
@pytest.mark.parametrize("case", list(CASES))
def test_distributed_search(measure, tmp_path, impl, case):
    mode, threads = MODES[impl]
    times = []

    def runs():
        times.clear()
        times.extend(_run(mode, case, tmp_path, threads) for _ in range(pick(1, 3)))

    measure(runs, f"{case} supernet: LINAS, {EVALS} validations in batches of 10", rounds=1)
    info = measure.benchmark.extra_info
    info["seconds_per_seed"] = float(np.median(times))  # the search's own time, compare.py's column
    info["ms_per_batch_of_10"] = 1000 * float(np.median(times)) / (EVALS / 10)
