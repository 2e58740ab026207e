"""The ask/tell contract every algorithm follows, and the result it reports."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .._kernels.ranking import constrained_rank
from ..operators.duplicates import RowArchive
from ..problem import Problem
from .registry import algorithms_for

__all__ = ["Algorithm", "Result"]


@dataclass(frozen=True, eq=False)
class Result:
    """The outcome of a run.

    Attributes:
        X, F, G: the best candidates found, shape (k, n_var), (k, n_obj), (k, n_constr): the
            non-dominated feasible ones (for one objective, those with the best value); if none
            is feasible, the least violating ones.
        feasible: bool (k,), whether each of those is feasible.
        n_evals: number of candidates told to the algorithm.
        pop_X, pop_F, pop_G: the final population (or, for random search, every candidate).
    """

    X: np.ndarray
    F: np.ndarray
    G: np.ndarray
    feasible: np.ndarray
    n_evals: int
    pop_X: np.ndarray
    pop_F: np.ndarray
    pop_G: np.ndarray

    @property
    def any_feasible(self) -> bool:
        return bool(self.feasible.any())


def best_of(X, F, G, cv, n_evals: int, pop=None) -> Result:
    """Result holding the rank-0 rows under constrained domination."""
    if X.shape[0] == 0:
        return Result(X, F, G, np.zeros(0, bool), n_evals, X, F, G)
    rank = constrained_rank(F, cv)
    best = np.flatnonzero(rank == 0)
    px, pf, pg = pop if pop is not None else (X, F, G)
    return Result(X[best], F[best], G[best], cv[best] <= 0.0, n_evals, px, pf, pg)


class Algorithm(ABC):
    """Base of all algorithms: ``setup(problem)``, then alternate ``ask()`` and ``tell()``.

    ``ask()`` returns the next batch to evaluate, shape (k, n_var) (k may be 0 once the space
    is exhausted). ``tell(X, F, G)`` reports evaluated candidates, which need not be the ones
    asked for. Every candidate asked for is new: never told before and never twice in a batch.
    Settings are fixed at construction; all randomness comes from one generator made from
    ``seed`` in ``setup``, so the same seed gives the same run bit for bit.
    """

    #: objective counts the algorithm accepts: (minimum, maximum or None)
    n_obj_range: ClassVar[tuple[int, int | None]] = (1, None)
    name: ClassVar[str] = "algorithm"

    def __init__(self, pop_size: int = 100, seed: int | None = None):
        if isinstance(pop_size, bool) or not isinstance(pop_size, (int, np.integer)) or pop_size < 1:
            raise ValueError(f"pop_size must be a positive int, got {pop_size!r}")
        self.pop_size = int(pop_size)
        self.seed = seed
        self.problem: Problem | None = None

    def setup(self, problem: Problem) -> Algorithm:
        lo, hi = self.n_obj_range
        if problem.n_obj < lo or (hi is not None and problem.n_obj > hi):
            want = f"exactly {lo}" if lo == hi else (f"at least {lo}" if hi is None else f"{lo} to {hi}")
            raise ValueError(
                f"{type(self).__name__} needs {want} objective(s); the problem has {problem.n_obj}; "
                f"algorithms for {problem.n_obj} objective(s): {', '.join(algorithms_for(problem.n_obj))}"
            )
        self.problem = problem
        self.rng = np.random.default_rng(self.seed)
        self.archive = RowArchive(integer=bool(problem.integer.all()) and _fits_int16(problem))
        self.n_evals = 0
        self._setup()
        return self

    def _require_setup(self) -> Problem:
        if self.problem is None:
            raise RuntimeError(f"call {type(self).__name__}.setup(problem) before ask() or tell()")
        return self.problem

    def ask(self) -> np.ndarray:
        """Next candidates to evaluate, shape (k, n_var)."""
        self._require_setup()
        return self._ask()

    def tell(self, X: np.ndarray, F: np.ndarray, G: np.ndarray | None = None) -> None:
        """Report evaluated candidates: X (k, n_var), F (k, n_obj), G (k, n_constr) or None."""
        problem = self._require_setup()
        X = problem.check_X(X)
        F, G, cv = problem.check_evaluations(X.shape[0], F, G)
        self.tell_checked(X, F, G, cv)

    def tell_checked(self, X: np.ndarray, F: np.ndarray, G: np.ndarray, cv: np.ndarray) -> None:
        """``tell`` for results already validated by ``Problem.check_evaluations`` (which also
        gives ``cv``); the loops in this package use it to validate each batch once."""
        self.archive.add(X)
        self.n_evals += X.shape[0]
        if X.shape[0]:
            self._tell(X, F, G, cv)

    @abstractmethod
    def _setup(self) -> None: ...

    @abstractmethod
    def _ask(self) -> np.ndarray: ...

    @abstractmethod
    def _tell(self, X: np.ndarray, F: np.ndarray, G: np.ndarray, cv: np.ndarray) -> None: ...

    @abstractmethod
    def result(self) -> Result: ...


def _fits_int16(problem: Problem) -> bool:
    return bool(problem.xl.min() >= -32768 and problem.xu.max() <= 32767)
