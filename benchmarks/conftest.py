"""The benchmark suite: pytest-benchmark, ours and the peer in one benchmark group.

``pytest benchmarks/ --benchmark-only`` measures at full size (add ``--benchmark-autosave`` or
``--benchmark-json FILE``, then ``python benchmarks/compare.py FILE`` for the README's tables of
ratios); without ``--benchmark-only`` every benchmark runs once, small and untimed, as part of
the test suite.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import _mode  # noqa: E402

if importlib.util.find_spec("pytest_benchmark") is None:  # pip install -e ".[test]" brings it
    collect_ignore_glob = ["bench_*.py"]


def pytest_configure(config: pytest.Config) -> None:
    full = bool(getattr(config.option, "benchmark_only", False))
    _mode.QUICK = not full
    if _mode.QUICK and hasattr(config.option, "benchmark_disable"):
        config.option.benchmark_disable = True  # run each benchmarked function once, untimed


@pytest.fixture
def quick() -> bool:
    return _mode.QUICK


@pytest.fixture
def measure(benchmark):
    """``measure(fn, group, rounds=3, micro=False, **extra_info)``: time ``fn`` in ``group``
    (auto-calibrated repetitions for microsecond calls when ``micro``) and return its result."""

    def run(fn, group: str, rounds: int = 3, micro: bool = False, **extra):
        benchmark.group = group
        benchmark.extra_info.update(extra)
        if _mode.QUICK or not micro:
            return benchmark.pedantic(fn, rounds=1 if _mode.QUICK else rounds, iterations=1)
        return benchmark(fn)

    run.benchmark = benchmark
    return run
