"""Full or quick: ``pytest benchmarks/ --benchmark-only`` measures at full size; anything else
(the test suite, CI) runs every benchmark once at small sizes, untimed, so none can rot. Set by
``conftest.py`` before the benchmark modules are collected."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")

QUICK = True


def pick(quick: T, full: T) -> T:
    """``quick`` in quick mode, ``full`` when measuring."""
    return quick if QUICK else full
