"""Uniform random search over the space, every candidate new."""

from __future__ import annotations

import numpy as np

from ..operators.sampling import random_candidates
from .base import Algorithm, Result, best_of

__all__ = ["RandomSearch"]

_ATTEMPTS = 20


class RandomSearch(Algorithm):
    """Batches of ``pop_size`` uniform random candidates, never repeating one; the result is the
    best of everything evaluated."""

    name = "random"

    def _setup(self) -> None:
        p = self.problem
        self._X = [np.zeros((0, p.n_var))]
        self._F = [np.zeros((0, p.n_obj))]
        self._G = [np.zeros((0, p.n_constr))]
        self._cv = [np.zeros(0)]

    def _ask(self) -> np.ndarray:
        p = self.problem
        taken: set[bytes] = set()
        out = []
        have = 0
        for _ in range(_ATTEMPTS):
            if have >= self.pop_size:
                break
            cand = random_candidates(2 * (self.pop_size - have), p.xl, p.xu, p.integer, self.rng)
            cand = cand[self.archive.new_unique(cand, taken)][: self.pop_size - have]
            out.append(cand)
            have += cand.shape[0]
        return np.concatenate(out) if out else np.zeros((0, p.n_var))

    def _tell(self, X, F, G, cv) -> None:
        self._X.append(X)
        self._F.append(F)
        self._G.append(G)
        self._cv.append(cv)

    def result(self) -> Result:
        self._require_setup()
        X, F, G, cv = (np.concatenate(a) for a in (self._X, self._F, self._G, self._cv))
        return best_of(X, F, G, cv, self.n_evals)
