"""The evolutionary and random tactics: an algorithm driven by real measurements."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..algorithms.registry import make_algorithm


def next_seed(ss: np.random.SeedSequence) -> int:
    """A fresh integer seed from the run's seed sequence (a new child each call)."""
    return int(ss.spawn(1)[0].generate_state(1)[0])


def warm_tell(algo: Any, ctx: Any) -> None:
    """Tell an algorithm the warm-start candidates (a missing metric counts as a failure)."""
    if ctx.warm_X.shape[0] == 0:
        return
    algo.tell(ctx.warm_X, *ctx.evaluations(ctx.warm_records))


def drive(algo: Any, ctx: Any) -> None:
    """Ask, measure, tell until the run's budget is spent or nothing new is left to ask."""
    while ctx.budget_left > 0:
        X = algo.ask()[: ctx.budget_left]
        if X.shape[0] == 0:
            break
        records = ctx.measurer.measure(X)
        algo.tell(X, *ctx.evaluations(records))


def run_evolutionary(ctx: Any) -> None:
    """The chosen algorithm on real measurements, ``num_evals`` of them exactly."""
    s = ctx.settings
    seed = next_seed(ctx.seeds)
    algo = make_algorithm(s.search_algo, pop_size=s.population, seed=seed).setup(ctx.problem)
    warm_tell(algo, ctx)
    drive(algo, ctx)


def run_random(ctx: Any) -> None:
    """``num_evals`` distinct random candidates, none already measured or warm."""
    seed = next_seed(ctx.seeds)
    algo = make_algorithm("random", pop_size=ctx.settings.population, seed=seed).setup(ctx.problem)
    if ctx.warm_X.shape[0]:
        algo.archive.add(ctx.warm_X)  # never re-measured, but not part of the random sample
    drive(algo, ctx)


__all__ = ["drive", "next_seed", "run_evolutionary", "run_random", "warm_tell"]
