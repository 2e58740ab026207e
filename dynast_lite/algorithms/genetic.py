"""Generational evolutionary algorithms on ask/tell: GA (one objective) and NSGA-II."""

from __future__ import annotations

import numpy as np

from .._kernels.crowding import crowding_distance_by_front
from .._kernels.ranking import constrained_rank
from ..operators.crossover import SBX
from ..operators.mutation import PolynomialMutation
from ..operators.repair import round_integers
from ..operators.sampling import random_candidates
from ..operators.selection import binary_tournament
from .base import Algorithm, Result, best_of

__all__ = ["GA", "NSGA2", "GeneticAlgorithm"]

# tries at breeding new, unseen children before filling up with random candidates
_BREED_ATTEMPTS = 50
_RANDOM_ATTEMPTS = 20


class GeneticAlgorithm(Algorithm):
    """Shared machinery: random unique start, tournament, crossover, mutation, repair, survival.

    Args:
        pop_size: population size; the first batch has this many candidates.
        n_offsprings: children per generation (default ``pop_size``).
        crossover: crossover settings (default ``SBX(prob=0.9, eta=15)``).
        mutation: mutation settings (default polynomial, eta 20, rate 1/n_var).
        seed: seed of the run's random generator.
    """

    def __init__(
        self,
        pop_size: int = 100,
        n_offsprings: int | None = None,
        crossover=None,
        mutation=None,
        seed: int | None = None,
    ):
        super().__init__(pop_size=pop_size, seed=seed)
        if n_offsprings is not None and (not isinstance(n_offsprings, (int, np.integer)) or n_offsprings < 1):
            raise ValueError(f"n_offsprings must be a positive int or None, got {n_offsprings!r}")
        self.n_offsprings = self.pop_size if n_offsprings is None else int(n_offsprings)
        self.crossover = SBX(prob=0.9, eta=15.0) if crossover is None else crossover
        self.mutation = PolynomialMutation(eta=20.0) if mutation is None else mutation

    def _setup(self) -> None:
        p = self.problem
        n = p.n_var
        self.X = np.zeros((0, n))
        self.F = np.zeros((0, p.n_obj))
        self.G = np.zeros((0, p.n_constr))
        self.cv = np.zeros(0)
        self.rank = np.zeros(0, np.int64)
        self.crowding = np.zeros(0)
        self.n_gen = 0
        self._new_share = 0.9  # share of bred children that are new, as last seen
        # Integer columns are varied on a range widened by half a step on each side, so after
        # rounding every value, the end ones included, owns an equal share of it.
        half = np.where(p.integer, 0.5, 0.0)
        self._lo = p.xl - half
        self._hi = p.xu + half

    # -- ask -----------------------------------------------------------------------------------

    def _ask(self) -> np.ndarray:
        if self.X.shape[0] == 0:
            return self._new_random(self.pop_size, set())
        return self._offspring(self.n_offsprings)

    def _new_random(self, n: int, taken: set[bytes]) -> np.ndarray:
        p = self.problem
        out = [np.zeros((0, p.n_var))]
        have = 0
        for _ in range(_RANDOM_ATTEMPTS):
            if have >= n:
                break
            cand = random_candidates(2 * (n - have), p.xl, p.xu, p.integer, self.rng)
            cand = cand[self.archive.new_unique(cand, taken)][: n - have]
            out.append(cand)
            have += cand.shape[0]
        return np.concatenate(out)[:n]

    def _select_parents(self, n: int) -> np.ndarray:
        """Indices of ``n`` parents in the population (pairs are the two halves)."""
        return binary_tournament(self.rank, self.crowding, n, self.rng)

    def _vary(self, A: np.ndarray, B: np.ndarray) -> np.ndarray:
        """Children of parent rows A and B (each (k, n_var)): crossover, mutation, repair."""
        p = self.problem
        children = self.crossover(A, B, self._lo, self._hi, self.rng)
        children = self.mutation(children, self._lo, self._hi, self.rng)
        return round_integers(children, p.integer, p.xl, p.xu)

    def _breed(self, n: int) -> np.ndarray:
        n_pairs = -(-n // 2)
        parents = self._select_parents(2 * n_pairs)
        return self._vary(self.X[parents[:n_pairs]], self.X[parents[n_pairs:]])

    def _offspring(self, n: int) -> np.ndarray:
        taken: set[bytes] = set()
        out = []
        have = 0
        for _ in range(_BREED_ATTEMPTS):
            if have >= n:
                break
            # Breed spare children for those that repeat an evaluated row: as many as the share
            # of new children in the last rounds predicts (in a converged integer population
            # most children repeat one), since a second round costs more than spare children.
            need = n - have
            bred = self._breed(int(np.ceil(need / self._new_share * 1.1)) + 2)
            children = bred[self.archive.new_unique(bred, taken)]
            self._new_share = 0.7 * self._new_share + 0.3 * max(children.shape[0] / bred.shape[0], 0.05)
            out.append(children)
            have += children.shape[0]
        if have < n:  # the neighbourhood is exhausted: explore elsewhere
            out.append(self._new_random(n - have, taken))
        return np.concatenate(out)[:n] if out else np.zeros((0, self.problem.n_var))

    # -- tell ----------------------------------------------------------------------------------

    def _tell(self, X, F, G, cv) -> None:
        X = np.concatenate([self.X, X])
        F = np.concatenate([self.F, F])
        G = np.concatenate([self.G, G])
        cv = np.concatenate([self.cv, cv])
        keep, rank, crowding = self._survive(F, cv, self.pop_size)
        self.X, self.F, self.G, self.cv = X[keep], F[keep], G[keep], cv[keep]
        self.rank, self.crowding = rank, crowding
        self.n_gen += 1

    def _survive(self, F, cv, n) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Choose ``n`` survivors; return their indices, ranks and crowding distances."""
        raise NotImplementedError

    def result(self) -> Result:
        self._require_setup()
        return best_of(self.X, self.F, self.G, self.cv, self.n_evals)


def split_by_feasibility(cv: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Feasible rows compete among themselves; infeasible ones only fill places left, least
    violating first. Returns (feasible indices, infeasible indices that survive)."""
    feasible = np.flatnonzero(cv <= 0.0)
    if feasible.shape[0] >= n:
        return feasible, np.zeros(0, np.int64)
    infeasible = np.flatnonzero(cv > 0.0)
    infeasible = infeasible[np.argsort(cv[infeasible], kind="stable")]
    return feasible, infeasible[: n - feasible.shape[0]]


def fronts_until(rank: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the best fronts holding at least ``n`` rows: (rows before the last front needed,
    rows of that last front)."""
    counts = np.bincount(rank)
    last = int(np.searchsorted(np.cumsum(counts), n))
    last = min(last, counts.shape[0] - 1)
    return np.flatnonzero(rank < last), np.flatnonzero(rank == last)


class NSGA2(GeneticAlgorithm):
    """NSGA-II (Deb et al. 2002): rank by constrained non-domination, break ties within the
    last front by crowding distance; parents by binary tournament on (rank, crowding)."""

    n_obj_range = (2, 2)
    name = "nsga2"

    def _survive(self, F, cv, n):
        rank = constrained_rank(F, cv)
        crowding = np.zeros(rank.shape[0])
        feasible = cv <= 0.0
        if feasible.any():
            crowding[feasible] = crowding_distance_by_front(F[feasible], rank[feasible])
        order = np.lexsort((-crowding, rank))[:n]
        return order, rank[order], crowding[order]


class GA(GeneticAlgorithm):
    """Single-objective genetic algorithm: feasible first by objective value, infeasible by
    constraint violation; parents by binary tournament on that order."""

    n_obj_range = (1, 1)
    name = "ga"

    def _survive(self, F, cv, n):
        rank = constrained_rank(F, cv)
        order = np.argsort(rank, kind="stable")[:n]
        return order, rank[order], np.zeros(order.shape[0])
