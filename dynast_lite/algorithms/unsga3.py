"""U-NSGA-III (Seada & Deb 2016): NSGA-III's reference-direction niching survival with a
niche-based tournament for mating."""

from __future__ import annotations

import numpy as np

from .._kernels.niching import associate, niching
from .._kernels.ranking import non_dominated_rank
from ..normalization import HyperplaneNormalization
from ..operators.crossover import SBX
from ..reference_directions import resolve_reference_directions
from .genetic import GeneticAlgorithm, fronts_until, split_by_feasibility

__all__ = ["UNSGA3"]


class UNSGA3(GeneticAlgorithm):
    """U-NSGA-III.

    Args:
        pop_size: population size; also the number of reference directions when ``ref_dirs`` is
            None (a Das-Dennis lattice if one has exactly that many points, else Riesz s-energy).
        ref_dirs: reference directions, shape (k, n_obj), rows on the unit simplex.
        crossover: default ``SBX(prob=1.0, eta=30)`` as in the NSGA-III paper.
        mutation, n_offsprings, seed: as for :class:`GeneticAlgorithm`.
    """

    n_obj_range = (3, None)
    name = "unsga3"

    def __init__(
        self,
        pop_size: int = 100,
        ref_dirs: np.ndarray | None = None,
        n_offsprings=None,
        crossover=None,
        mutation=None,
        seed: int | None = None,
    ):
        super().__init__(
            pop_size=pop_size,
            n_offsprings=n_offsprings,
            crossover=SBX(prob=1.0, eta=30.0) if crossover is None else crossover,
            mutation=mutation,
            seed=seed,
        )
        self.ref_dirs = ref_dirs

    def _setup(self) -> None:
        super()._setup()
        m = self.problem.n_obj
        self.W = resolve_reference_directions(self.ref_dirs, self.pop_size, m, self.seed)
        self.norm = HyperplaneNormalization(m)
        self.niche = np.zeros(0, np.int64)
        self.niche_dist = np.zeros(0)

    def _select_parents(self, n: int) -> np.ndarray:
        p = self.rank.shape[0]
        pool = np.concatenate([self.rng.permutation(p) for _ in range(-(-2 * n // p))])[: 2 * n]
        a, b = pool[0::2], pool[1::2]
        coin = self.rng.random(n) < 0.5
        cva, cvb = self.cv[a], self.cv[b]
        by_cv = (cva > 0) | (cvb > 0)
        same = ~by_cv & (self.niche[a] == self.niche[b])
        a_wins = np.where(
            by_cv,
            (cva < cvb) | ((cva == cvb) & coin),
            np.where(
                same,
                (self.rank[a] < self.rank[b])
                | (
                    (self.rank[a] == self.rank[b])
                    & (
                        (self.niche_dist[a] < self.niche_dist[b])
                        | ((self.niche_dist[a] == self.niche_dist[b]) & coin)
                    )
                ),
                coin,
            ),
        )
        return np.where(a_wins, a, b)

    def _survive(self, F, cv, n):
        feasible, filler = split_by_feasibility(cv, n)
        chosen = np.zeros(0, np.int64)
        rank_f = np.zeros(0, np.int64)
        niche_f = np.zeros(0, np.int64)
        dist_f = np.zeros(0)
        if feasible.shape[0]:
            Ff = F[feasible]
            rank = non_dominated_rank(Ff)
            self.norm.update(Ff, np.flatnonzero(rank == 0))
            head, last = fronts_until(rank, n)
            considered = np.concatenate([head, last])
            niche, dist = associate(self.norm.normalize(Ff[considered]), self.W)
            if considered.shape[0] > n:
                count = np.bincount(niche[: head.shape[0]], minlength=self.W.shape[0])
                k = head.shape[0]
                pick = niching(
                    n - k,
                    count,
                    niche[k:],
                    dist[k:],
                    self.rng.random(self.W.shape[0]),
                    self.rng.random(last.shape[0]),
                )
                keep = np.concatenate([np.arange(k), k + pick])
            else:
                keep = np.arange(considered.shape[0])
            chosen = feasible[considered[keep]]
            rank_f, niche_f, dist_f = rank[considered[keep]], niche[keep], dist[keep]
        n_inf = filler.shape[0]
        top = int(rank_f.max()) + 1 if rank_f.shape[0] else 0
        self.niche = np.concatenate([niche_f, np.full(n_inf, -1)])
        self.niche_dist = np.concatenate([dist_f, np.full(n_inf, np.inf)])
        order = np.concatenate([chosen, filler])
        rank_all = np.concatenate([rank_f, top + np.arange(n_inf)])
        return order, rank_all, np.zeros(order.shape[0])
