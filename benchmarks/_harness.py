"""Helpers the benchmark modules share: seeded comparisons with their quality figures."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["latency_spread", "paired_ratio", "quartiles", "seeded", "time_exact_costs", "timed"]


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """``fn()``'s result and its wall time in seconds."""
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def paired_ratio(
    ours: Callable[[], Any], peer: Callable[[], Any], rounds: int, burst_s: float = 0.005
) -> float:
    """Median over ``rounds`` of our time / the peer's, each round timing a burst of ours and a
    burst of the peer's back to back (bursts of about ``burst_s`` seconds of the peer's). Two
    benchmarks timed one after the other move apart when the machine's speed drifts between
    them; a ratio taken within each round does not."""
    start = time.perf_counter()
    peer()
    reps = max(1, int(burst_s / max(time.perf_counter() - start, 1e-7)))
    ours()  # compiled and warm before anything is timed

    def burst(fn: Callable[[], Any]) -> float:
        start = time.perf_counter()
        for _ in range(reps):
            fn()
        return time.perf_counter() - start

    return float(np.median([burst(ours) / burst(peer) for _ in range(rounds)]))


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


def time_exact_costs(
    measure, ev, impl: str, configs: list, batch: list, count_one: Callable[[Any], Any] | None, rounds: int
) -> list:
    """Time one way of getting MACs + params of sub-networks of ``ev`` as a round of the group
    "<supernet>: MACs + params": ``ev.measure`` on ``batch`` in one call when ``impl`` names a
    batch, on each of ``configs`` when ``count_one`` is None, else ``count_one`` on each config's
    cut-out sub-network. Records ``seconds_per_config``; returns the last call's ``count_one``
    results (one per config)."""
    results: list = []
    if "batch" in impl:
        n = len(batch)

        def fn():
            ev.measure(batch, ["macs", "params"])
    elif count_one is None:
        n = len(configs)

        def fn():
            for c in configs:
                ev.measure([c], ["macs", "params"])
    else:
        n = len(configs)

        def fn():
            results[:] = [count_one(ev.subnet(c)) for c in configs]

    measure(fn, f"{ev.name}: MACs + params", rounds=rounds, configs_per_call=n)
    if measure.benchmark.stats:
        measure.benchmark.extra_info["seconds_per_config"] = measure.benchmark.stats.stats.median / n
    return results


def latency_spread(medians) -> dict[str, float]:
    """Quartiles (``median_ms_*``) and coefficient of variation (``cv_percent``) of repeated
    latency medians in ms."""
    m = np.asarray(medians, dtype=float)
    out = {f"median_ms_{k}": v for k, v in quartiles(m).items()}
    out["cv_percent"] = float(100 * m.std() / m.mean())
    return out
