"""The one optimisation loop, written once on ask/tell."""

from __future__ import annotations

from collections.abc import Callable

from .algorithms.base import Algorithm, Result
from .problem import Problem

__all__ = ["minimize"]


def minimize(
    problem: Problem,
    algorithm: Algorithm,
    n_evals: int,
    callback: Callable[[Algorithm], None] | None = None,
) -> Result:
    """Run ``algorithm`` on ``problem`` for at most ``n_evals`` evaluations.

    Each batch the algorithm asks for is cut to the budget left, evaluated with
    ``problem.evaluate`` and told back. The run ends when the budget is spent or the algorithm
    has nothing new to ask (a small discrete space is exhausted).

    Args:
        problem: a problem with an evaluate function.
        algorithm: a fresh algorithm; it is set up on ``problem`` here.
        n_evals: evaluation budget, never exceeded.
        callback: called with the algorithm after every told batch.

    Returns:
        The algorithm's result; ``result.feasible`` says which of its candidates are feasible.
    """
    if isinstance(n_evals, bool) or not isinstance(n_evals, int) or n_evals < 0:
        raise ValueError(f"n_evals must be a non-negative int, got {n_evals!r}")
    algorithm.setup(problem)
    while algorithm.n_evals < n_evals:
        X = algorithm.ask()[: n_evals - algorithm.n_evals]
        if X.shape[0] == 0:
            break
        algorithm.tell_checked(X, *problem.evaluate_with_violation(X))
        if callback is not None:
            callback(algorithm)
    return algorithm.result()
