"""Full or quick: ``pytest benchmarks/ --benchmark-only`` measures at full size; any other pytest
run (the test suite, CI) runs every benchmark once at small sizes, untimed, so none can rot. Set
by ``conftest.py`` before the benchmark modules are collected. Outside pytest (a script that
imports a benchmark module to reuse its ground truths) the sizes are the full ones, as measured."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")

QUICK = False  # pytest's conftest sets it before collecting anything


def pick(quick: T, full: T) -> T:
    """``quick`` in quick mode, ``full`` when measuring."""
    return quick if QUICK else full
