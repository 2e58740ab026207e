"""C-TAEA (Li, Chen, Fu & Yao 2019): a convergence archive (CA) pushed towards the feasible
front and a diversity archive (DA) that explores, unconstrained, the sub-regions CA leaves
empty; parents come from both, in proportion to how much each contributes to the joint front."""

from __future__ import annotations

import numpy as np

from .._kernels.niching import associate
from .._kernels.ranking import non_dominated_rank
from ..operators.crossover import SBX
from ..reference_directions import resolve_reference_directions
from .base import Result, best_of
from .genetic import GeneticAlgorithm

__all__ = ["CTAEA"]


class CTAEA(GeneticAlgorithm):
    """C-TAEA.

    Args:
        pop_size: size of each archive and number of reference directions when ``ref_dirs`` is
            None.
        ref_dirs: reference directions, shape (k, n_obj); the archives hold k members.
        crossover: default ``SBX(prob=1.0, eta=30)``; mutation, seed as for GA.
    """

    n_obj_range = (3, None)
    name = "ctaea"

    def __init__(
        self,
        pop_size: int = 100,
        ref_dirs: np.ndarray | None = None,
        crossover=None,
        mutation=None,
        seed: int | None = None,
    ):
        super().__init__(
            pop_size=pop_size,
            crossover=SBX(prob=1.0, eta=30.0) if crossover is None else crossover,
            mutation=mutation,
            seed=seed,
        )
        self.ref_dirs = ref_dirs

    def _setup(self) -> None:
        super()._setup()
        m = self.problem.n_obj
        self.W = resolve_reference_directions(self.ref_dirs, self.pop_size, m, self.seed)
        self.N = self.W.shape[0]
        self.ideal = np.full(m, np.inf)
        self._worst = np.full(m, -np.inf)
        self.da = (self.X, self.F, self.G, self.cv)

    # -- survival ----------------------------------------------------------------------------------

    def _fitness(self, F: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sub-region (nearest direction) and ASF value of each row, relative to the ideal point
        and scaled by the objectives' ranges over everything in play this generation."""
        Z = (np.nan_to_num(F, nan=1e300) - self.ideal) / self._span
        niche, _ = associate(Z, self.W)
        fv = (Z / np.maximum(self.W[niche], 1e-4)).max(axis=1)
        return niche, fv

    def _update_ca(self, F, cv) -> np.ndarray:
        N = self.N
        feasible = np.flatnonzero(cv <= 0.0)
        if feasible.shape[0] <= N:
            chosen = list(feasible)
            infeasible = np.flatnonzero(cv > 0.0)
            need = N - len(chosen)
            if need and infeasible.shape[0]:
                _, fv = self._fitness(F[infeasible])
                rank = non_dominated_rank(np.column_stack([cv[infeasible], fv]))
                order = np.lexsort((cv[infeasible], rank))  # fronts in order, last cut by violation
                chosen.extend(infeasible[order[:need]])
            return np.asarray(chosen, np.int64)
        rank = non_dominated_rank(F[feasible])
        counts = np.cumsum(np.bincount(rank))
        last = int(np.searchsorted(counts, N))
        S = feasible[rank <= last]
        if S.shape[0] > N:
            niche, fv = self._fitness(F[S])
            alive = np.ones(S.shape[0], bool)
            count = np.bincount(niche, minlength=self.N)
            while alive.sum() > N:
                crowded = np.flatnonzero(count == count.max())
                # of the most crowded sub-regions, drop the member with the worst ASF value
                cand = np.flatnonzero(alive & np.isin(niche, crowded))
                worst = cand[np.argmax(fv[cand])]
                alive[worst] = False
                count[niche[worst]] -= 1
            S = S[alive]
        return S

    def _update_da(self, ca_niche: np.ndarray, F: np.ndarray) -> np.ndarray:
        # fill sub-regions CA leaves sparse, one member per region per round, best ASF among
        # the region's non-dominated candidates (constraints ignored)
        niche, fv = self._fitness(F)
        ca_count = np.bincount(ca_niche, minlength=self.N)
        free = np.ones(F.shape[0], bool)
        chosen: list[int] = []
        itr = 1
        Fs = np.nan_to_num(F, nan=1e300)
        while len(chosen) < self.N and free.any():
            added = False
            for i in range(self.N):
                for _ in range(max(0, itr - ca_count[i])):
                    cand = np.flatnonzero(free & (niche == i))
                    if cand.shape[0] == 0 or len(chosen) >= self.N:
                        break
                    nd = cand[non_dominated_rank(Fs[cand]) == 0]
                    best = int(nd[np.argmin(fv[nd])])
                    free[best] = False
                    chosen.append(best)
                    added = True
            itr += 1
            if not added and itr > self.N + 1:
                break
        return np.asarray(chosen, np.int64)

    def _tell(self, X, F, G, cv) -> None:
        feasible = cv <= 0.0
        if feasible.any():
            self.ideal = np.minimum(self.ideal, F[feasible].min(axis=0))
        elif not np.isfinite(self.ideal).all():
            self.ideal = np.nan_to_num(F, nan=np.inf).min(axis=0)
        cX, cF, cG, ccv = (
            np.concatenate([a, b])
            for a, b in zip((self.X, self.F, self.G, self.cv), (X, F, G, cv), strict=True)
        )
        dX, dF, dG, dcv = (np.concatenate([a, b]) for a, b in zip(self.da, (X, F, G, cv), strict=True))
        # Objectives are scaled by their extent over everything evaluated so far: it puts
        # objectives of different units on one scale but, unlike the extent of the current
        # archives, barely moves, so sub-regions keep their members from one generation to the
        # next (an extent that shrinks with the front squeezed the front into few sub-regions).
        self._worst = np.maximum(self._worst, np.nan_to_num(F, nan=-np.inf).max(axis=0))
        self._span = np.maximum(self._worst - self.ideal, 1e-12)
        ca = self._update_ca(cF, ccv)
        ca_niche, _ = self._fitness(cF[ca])
        da = self._update_da(ca_niche, dF)
        self.X, self.F, self.G, self.cv = cX[ca], cF[ca], cG[ca], ccv[ca]
        self.da = (dX[da], dF[da], dG[da], dcv[da])
        self.rank = np.zeros(self.X.shape[0], np.int64)
        self.crowding = np.zeros(self.X.shape[0])
        self.n_gen += 1

    # -- mating ------------------------------------------------------------------------------------

    def _tournament(self, F, cv, n) -> np.ndarray:
        # feasible beats infeasible; two feasible: the dominating one; otherwise a coin flip
        p = F.shape[0]
        a = self.rng.integers(0, p, n)
        b = self.rng.integers(0, p, n)
        coin = self.rng.random(n) < 0.5
        fa, fb = cv[a] <= 0, cv[b] <= 0
        Fa, Fb = np.nan_to_num(F[a], nan=np.inf), np.nan_to_num(F[b], nan=np.inf)
        a_dom = (Fa <= Fb).all(axis=1) & (Fa < Fb).any(axis=1)
        b_dom = (Fb <= Fa).all(axis=1) & (Fb < Fa).any(axis=1)
        a_wins = np.where(fa & fb, a_dom | (~b_dom & coin), np.where(fa != fb, fa, coin))
        return np.where(a_wins, a, b)

    def _breed(self, n: int) -> np.ndarray:
        dX, dF, _, dcv = self.da
        if dX.shape[0] == 0:
            dX, dF, dcv = self.X, self.F, self.cv
        both = np.nan_to_num(np.concatenate([self.F, dF]), nan=np.inf)
        first = non_dominated_rank(both) == 0
        rho_c = first[: self.F.shape[0]].sum() / both.shape[0]
        rho_d = first[self.F.shape[0] :].sum() / both.shape[0]
        from_ca = self._tournament(self.F, self.cv, n)
        from_da = self._tournament(dF, dcv, n)
        first_parent = self.X[from_ca] if rho_c > rho_d else dX[from_da]
        second_ca = self._tournament(self.F, self.cv, n)
        second_da = self._tournament(dF, dcv, n)
        use_ca = self.rng.random(n) < rho_c
        second_parent = np.where(use_ca[:, None], self.X[second_ca], dX[second_da])
        children = self._vary(first_parent, second_parent)
        return children[np.where(self.rng.random(n) < 0.5, np.arange(n), n + np.arange(n))]

    def _ask(self) -> np.ndarray:
        if self.X.shape[0] == 0:
            return self._new_random(self.N, set())
        return self._offspring(self.N)

    def result(self) -> Result:
        self._require_setup()
        return best_of(self.X, self.F, self.G, self.cv, self.n_evals)
