"""Helpers the benchmark modules share: seeded comparisons with their quality figures."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["quartiles", "seeded", "timed"]


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """``fn()``'s result and its wall time in seconds."""
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def quartiles(values) -> dict[str, float]:
    """Median and quartiles; with infinite values (a run that never reached its target) the
    nearest order statistics, since interpolating between two infinities gives NaN."""
    v = np.asarray(values, dtype=float)
    method = "linear" if np.isfinite(v).all() else "nearest"
    lo, mid, hi = np.percentile(v, [25, 50, 75], method=method)
    return {"median": float(mid), "q25": float(lo), "q75": float(hi)}


def seeded(measure, group: str, run_one: Callable[[int], tuple[float, float]], seeds: int, what: str) -> list:
    """Run ``run_one(seed) -> (quality, seconds)`` for every seed as one timed round of ``group``;
    the quality's median and quartiles over the seeds and the median seconds per seed go to the
    benchmark's ``extra_info`` (``what`` names the quality, e.g. ``hypervolume``)."""
    results: list[tuple[float, float]] = []

    def every_seed():
        results.clear()
        results.extend(run_one(s) for s in range(seeds))
        return results

    measure(every_seed, group, rounds=1)
    q = quartiles([r[0] for r in results])
    info = measure.benchmark.extra_info
    info.update({f"{what}_{k}": v for k, v in q.items()})
    info["seconds_per_seed"] = float(np.median([r[1] for r in results]))
    info["seeds"] = seeds
    return results
