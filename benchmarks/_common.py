"""Shared helpers for the benchmark scripts: timing, machine description, table printing."""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version

import numpy as np


def best_time(fn: Callable[[], object], repeats: int = 5, min_total: float = 0.05) -> float:
    """Best wall time of ``fn()`` in seconds over ``repeats`` rounds (each round loops until
    it has run for ``min_total`` seconds, so microsecond calls are timed reliably)."""
    fn()  # warm-up: numba loads or compiles here
    best = float("inf")
    for _ in range(repeats):
        n = 0
        start = time.perf_counter()
        while True:
            fn()
            n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_total:
                break
        best = min(best, elapsed / n)
    return best


def machine() -> str:
    def v(pkg: str) -> str:
        try:
            return version(pkg)
        except PackageNotFoundError:
            return "-"

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {v('numpy')}, numba {v('numba')}, pymoo {v('pymoo')}, moocore {v('moocore')}"
    )


def table(header: list[str], rows: list[list[object]]) -> str:
    cells = [header] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def median_iqr(values, digits: int = 4) -> str:
    """'median [25th percentile, 75th percentile]' of ``values``."""
    lo, mid, hi = np.percentile(np.asarray(values, dtype=float), [25, 50, 75])
    return f"{mid:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"


def seeded_main(run: Callable[[int], None], default_seeds: int) -> None:
    """Command line of the seeded benchmarks: ``--seeds N``, the machine line, then the run."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=default_seeds)
    seeds = parser.parse_args().seeds
    print(machine())
    run(seeds)
