"""What a distributed search costs: the same LINAS run in one process and on two ranks
(torchrun and mpirun), on the embedded digits supernet (real sub-networks, random weights, so no
training enters the timing) and on the toy supernet of the tests, whose measurements take
microseconds, so that its difference is the protocol's own overhead per batch.

Each run is a fresh ``dynast-lite search`` process; the time is the search's own ("measured in
N s" is not precise enough, so the results file's first and last row dates are used: from the
first measured sub-network to the last). Needs the evaluators and mpich (``pip install -e
".[test]" -e ./evaluators``).

    python benchmarks/bench_distributed.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from _common import machine, table

from dynast_lite.results import read_results

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CASES = {
    "digits": ["--supernet", "elastic_cnn_digits", "--random_weights", "--inner_evals", "1000"],
    "toy": ["--supernet", "toy_supernet:factory", "--inner_evals", "300"],
}
BUDGET = ["--num_evals", "60", "--population", "10", "--no_plots"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(mode: str, case: str, folder: Path, threads: int) -> float:
    out = folder / f"{mode}-{case}-{threads}.csv"
    out.unlink(missing_ok=True)
    Path(f"{out}.meta.json").unlink(missing_ok=True)
    cli = [
        sys.executable,
        "-m",
        "dynast_lite.cli",
        "search",
        *CASES[case],
        *BUDGET,
        "--results_path",
        str(out),
    ]
    cli += ["--cache_dir", str(folder)]
    if mode == "torchrun":
        cmd = [str(BIN / "torchrun"), "--nproc_per_node", "2", "--master_port", str(_port()), *cli[1:]]
        cmd += ["--distributed"]
    elif mode == "mpirun":
        cmd = [str(BIN / "mpirun"), "-np", "2", "-env", "MASTER_PORT", str(_port()), *cli, "--distributed"]
    else:
        cmd = cli
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tests"), OMP_NUM_THREADS=str(threads))
    subprocess.run(cmd, cwd=folder, env=env, check=True, capture_output=True, timeout=900)
    dates = [dt.datetime.fromisoformat(r.date) for r in read_results(out)]
    return (dates[-1] - dates[0]).total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats
    print(machine())
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for case in CASES:
            modes = [("one process", "single", 2), ("one process", "single", 1)]
            modes += [("torchrun, 2 ranks", "torchrun", 1), ("mpirun, 2 ranks", "mpirun", 1)]
            base = None
            for label, mode, threads in modes:
                times = [_run(mode, case, folder, threads) for _ in range(repeats)]
                t = float(np.median(times))
                base = t if base is None else base
                per_batch = t / 6  # 60 validations in batches of 10
                rows.append([case, label, threads, f"{t:.2f}", f"{per_batch * 1000:.0f}", f"{t / base:.2f}"])
    print(
        table(
            [
                "supernet",
                "run",
                "threads/rank",
                "search s (median)",
                "ms per batch of 10",
                "vs one process, 2 threads",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
