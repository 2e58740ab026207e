"""MOEA/D (Zhang & Li 2007): one subproblem per reference direction, each improved by children
of its neighbourhood, with a limit on how many neighbours one child may replace (Li & Zhang
2009). Run in synchronous batches: one child per subproblem per ``ask``."""

from __future__ import annotations

import numpy as np

from .._kernels.niching import associate, moead_replace
from ..operators.crossover import SBX
from ..reference_directions import resolve_reference_directions
from .base import Result, best_of
from .genetic import GeneticAlgorithm

__all__ = ["MOEAD"]

_DECOMPOSITIONS = {"tchebycheff": 0, "pbi": 1}


class MOEAD(GeneticAlgorithm):
    """MOEA/D.

    Args:
        pop_size: number of subproblems (reference directions when ``ref_dirs`` is None).
        ref_dirs: reference directions, shape (k, n_obj).
        n_neighbors: neighbourhood size T (capped at the number of subproblems).
        decomposition: ``"tchebycheff"`` or ``"pbi"``; default Tchebycheff for two objectives,
            PBI beyond.
        theta: PBI penalty.
        prob_neighbor_mating: probability of picking parents from the neighbourhood rather
            than the whole population.
        max_replace: most neighbours one child may replace (``None``: no limit).
        normalize: scalarise objectives scaled to [0, 1] between the ideal point and the
            population's worst values, so objectives in different units (top-1 %, MACs)
            weigh alike; ``False`` scalarises raw values as the original MOEA/D does.
        crossover: default ``SBX(prob=1.0, eta=20)``; mutation, seed as for GA.
    """

    n_obj_range = (3, None)
    name = "moead"

    def __init__(
        self,
        pop_size: int = 100,
        ref_dirs: np.ndarray | None = None,
        n_neighbors: int = 20,
        decomposition: str | None = None,
        theta: float = 5.0,
        prob_neighbor_mating: float = 0.9,
        max_replace: int | None = 2,
        normalize: bool = True,
        crossover=None,
        mutation=None,
        seed: int | None = None,
    ):
        super().__init__(
            pop_size=pop_size,
            crossover=SBX(prob=1.0, eta=20.0) if crossover is None else crossover,
            mutation=mutation,
            seed=seed,
        )
        if decomposition is not None and decomposition not in _DECOMPOSITIONS:
            raise ValueError(
                f"unknown decomposition {decomposition!r}; choose one of {sorted(_DECOMPOSITIONS)}"
            )
        if n_neighbors < 2:
            raise ValueError(f"n_neighbors must be >= 2, got {n_neighbors}")
        if not 0.0 <= prob_neighbor_mating <= 1.0:
            raise ValueError(f"prob_neighbor_mating must be in [0, 1], got {prob_neighbor_mating}")
        if max_replace is not None and max_replace < 1:
            raise ValueError(f"max_replace must be >= 1 or None, got {max_replace}")
        self.ref_dirs = ref_dirs
        self.n_neighbors = n_neighbors
        self.decomposition = decomposition
        self.theta = theta
        self.prob_neighbor_mating = prob_neighbor_mating
        self.max_replace = max_replace
        self.normalize = normalize

    def _setup(self) -> None:
        super()._setup()
        m = self.problem.n_obj
        self.W = resolve_reference_directions(self.ref_dirs, self.pop_size, m, self.seed)
        T = min(self.n_neighbors, self.W.shape[0])
        D = ((self.W[:, None, :] - self.W[None, :, :]) ** 2).sum(axis=2)
        self.neighbors = np.argsort(D, axis=1, kind="stable")[:, :T]
        self.method = _DECOMPOSITIONS[self.decomposition or ("tchebycheff" if m <= 2 else "pbi")]
        self.slot = np.full(self.W.shape[0], -1, np.int64)  # row of self.X solving each subproblem
        self.ideal = np.full(m, np.inf)
        self._pending: dict[bytes, int] = {}  # asked child -> its subproblem

    def _ask(self) -> np.ndarray:
        empty = np.flatnonzero(self.slot < 0)
        if empty.shape[0]:
            return self._new_random(empty.shape[0], set())
        N = self.W.shape[0]
        order = self.rng.permutation(N)
        local = self.rng.random(N) < self.prob_neighbor_mating
        A = np.empty(N, np.int64)
        B = np.empty(N, np.int64)
        for t, k in enumerate(order):
            pool = self.neighbors[k] if local[t] else np.arange(N)
            a, b = self.rng.choice(pool.shape[0], 2, replace=False)
            A[t], B[t] = self.slot[pool[a]], self.slot[pool[b]]
        children = self._vary(self.X[A], self.X[B])
        # SBX gives two children per pair: keep one of them at random
        pick = np.where(self.rng.random(N) < 0.5, np.arange(N), N + np.arange(N))
        children = children[pick]
        keep = self.archive.new_unique(children)
        out = children[keep]
        subproblem = order[keep]
        if out.shape[0] < N:  # repeats: fill with new random candidates for those subproblems
            lost = np.setdiff1d(np.arange(N), keep)
            taken = set(self.archive.keys(out))
            extra = self._new_random(lost.shape[0], taken)
            out = np.concatenate([out, extra])
            subproblem = np.concatenate([subproblem, order[lost][: extra.shape[0]]])
        self._pending = dict(zip(self.archive.keys(out), subproblem.tolist(), strict=True))
        return out

    def _tell(self, X, F, G, cv) -> None:
        feasible = cv <= 0.0
        if feasible.any():
            self.ideal = np.minimum(self.ideal, F[feasible].min(axis=0))
        base = self.X.shape[0]
        self.X = np.concatenate([self.X, X])
        self.F = np.concatenate([self.F, F])
        self.G = np.concatenate([self.G, G])
        self.cv = np.concatenate([self.cv, cv])
        rows = base + np.arange(X.shape[0])
        empty = np.flatnonzero(self.slot < 0)
        n_fill = min(empty.shape[0], rows.shape[0])
        self.slot[empty[:n_fill]] = rows[:n_fill]
        rows = rows[n_fill:]
        if rows.shape[0]:
            keys = self.archive.keys(X[n_fill:])
            parent = np.array([self._pending.get(k, -1) for k in keys], np.int64)
            unknown = parent < 0
            if unknown.any():  # told without being asked: the subproblem nearest to it
                span = np.maximum(self.F.max(axis=0) - self.ideal, 1e-12)
                Fn = (self.F[rows[unknown]] - self.ideal) / span
                parent[unknown] = associate(np.nan_to_num(Fn, nan=1e6), self.W)[0]
            F_safe, ideal = self._scaled(np.nan_to_num(self.F, nan=np.inf))
            self.slot = moead_replace(
                self.slot,
                F_safe,
                self.cv,
                rows,
                parent,
                self.neighbors,
                self.W,
                ideal,
                np.arange(rows.shape[0]),
                self.max_replace or 0,
                self.method,
                self.theta,
            )
        self._compact()
        self.n_gen += 1

    def _scaled(self, F: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Objectives as scalarised, and the ideal point in the same units."""
        if not self.normalize or not np.isfinite(self.ideal).all():
            return F, self.ideal
        held = self.slot[self.slot >= 0]
        ok = held[self.cv[held] <= 0.0]
        worst = F[ok if ok.shape[0] else held].max(axis=0)
        span = np.where(np.isfinite(worst), np.maximum(worst - self.ideal, 1e-12), 1.0)
        return (F - self.ideal) / span, np.zeros_like(self.ideal)

    def _compact(self) -> None:
        # keep only rows that hold a subproblem (several subproblems may share one row)
        used, inverse = np.unique(self.slot[self.slot >= 0], return_inverse=True)
        self.X, self.F, self.G, self.cv = self.X[used], self.F[used], self.G[used], self.cv[used]
        self.slot[self.slot >= 0] = inverse

    def result(self) -> Result:
        self._require_setup()
        return best_of(self.X, self.F, self.G, self.cv, self.n_evals)
