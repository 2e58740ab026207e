"""Mutation operators: frozen dataclasses with ``__call__(X, xl, xu, rng) -> X'``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PolynomialMutation"]


@dataclass(frozen=True)
class PolynomialMutation:
    """Polynomial mutation (Deb & Goyal 1996), bounded variant.

    Args:
        eta: distribution index; larger keeps mutants closer to the original.
        prob: probability that a child is considered for mutation at all (0.9, as in pymoo and
            the NSGA-III and MOEA/D references).
        prob_var: probability that each variable of such a child is mutated; ``None`` means
            1 / n_var. (DyNAS-T passes ``PM(prob=0.02)``, which under pymoo 0.6 is the per-child
            probability, so 98% of its children are never mutated; here the per-variable rate is
            the knob, and 90% of children are eligible by default.)
    """

    eta: float = 20.0
    prob: float = 0.9
    prob_var: float | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.prob <= 1.0:
            raise ValueError(f"prob must be in [0, 1], got {self.prob!r}")
        if self.prob_var is not None and not 0.0 <= self.prob_var <= 1.0:
            raise ValueError(f"prob_var must be in [0, 1] or None, got {self.prob_var!r}")
        if self.eta < 0:
            raise ValueError(f"eta must be >= 0, got {self.eta!r}")

    def __call__(self, X, xl, xu, rng: np.random.Generator) -> np.ndarray:
        n, d = X.shape
        rate = 1.0 / d if self.prob_var is None else self.prob_var
        mutate = (rng.random((n, 1)) < self.prob) & (rng.random((n, d)) < rate)
        Y = X.copy()
        r, c = np.nonzero(mutate)
        if r.size == 0:
            return Y
        # only the mutated entries are computed: 1/n_var of them by default
        x, lo, hi = X[r, c], xl[c], xu[c]
        span = np.maximum(hi - lo, 1e-300)
        u = rng.random(r.size)
        e1 = self.eta + 1.0
        low = u < 0.5
        # the bases below are >= 0 for x in [lo, hi]; the clip guards rounding at the bounds
        base_lo = np.maximum(2.0 * u + (1.0 - 2.0 * u) * (1.0 - (x - lo) / span) ** e1, 0.0)
        base_hi = np.maximum(2.0 * (1.0 - u) + 2.0 * (u - 0.5) * (1.0 - (hi - x) / span) ** e1, 0.0)
        delta = np.where(low, base_lo ** (1.0 / e1) - 1.0, 1.0 - base_hi ** (1.0 / e1))
        Y[r, c] = np.clip(x + delta * span, lo, hi)
        return Y
