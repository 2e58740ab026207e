"""Crossover operators: each maps two parent arrays to two child arrays of the same shape.

Every operator is a frozen dataclass of its settings with ``__call__(A, B, xl, xu, rng)``,
taking parents ``A``, ``B`` of shape (n, n_var) and returning children of shape (2n, n_var).
Integer columns are handled by the caller: it widens their bounds by half a step and rounds the
children, so every integer value gets an equal share of the continuous range.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SBX", "PointCrossover", "UniformCrossover"]


def _check_prob(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value!r}")


@dataclass(frozen=True)
class SBX:
    """Simulated binary crossover (Deb & Agrawal 1995), bounded variant (Deb & Goyal 1996).

    Args:
        prob: probability that a pair is crossed at all.
        eta: distribution index; larger keeps children closer to their parents.
        prob_var: probability that each variable of a crossed pair is recombined.
    """

    prob: float = 0.9
    eta: float = 15.0
    prob_var: float = 0.5

    def __post_init__(self) -> None:
        _check_prob("prob", self.prob)
        _check_prob("prob_var", self.prob_var)
        if self.eta < 0:
            raise ValueError(f"eta must be >= 0, got {self.eta!r}")

    def __call__(self, A, B, xl, xu, rng: np.random.Generator) -> np.ndarray:
        n, d = A.shape
        C1 = A.copy()
        C2 = B.copy()
        active = (rng.random((n, 1)) < self.prob) & (rng.random((n, d)) < self.prob_var)
        active &= np.abs(A - B) > 1e-14
        r, c = np.nonzero(active)
        if r.size == 0:
            return np.concatenate([C1, C2])
        # only the recombined entries are computed: about half of them at the default settings
        a, b = A[r, c], B[r, c]
        u = rng.random(r.size)
        swap = rng.random(r.size) < 0.5
        lo, hi = xl[c], xu[c]
        y1, y2 = np.minimum(a, b), np.maximum(a, b)
        span = y2 - y1
        e1 = self.eta + 1.0

        def spread(beta):
            # beta >= 1, so alpha in [1, 2) and every base below is positive
            alpha = 2.0 - beta ** (-e1)
            return np.where(
                u <= 1.0 / alpha, (u * alpha) ** (1.0 / e1), (1.0 / (2.0 - u * alpha)) ** (1.0 / e1)
            )

        k1 = np.clip(0.5 * ((y1 + y2) - spread(1.0 + 2.0 * (y1 - lo) / span) * span), lo, hi)
        k2 = np.clip(0.5 * ((y1 + y2) + spread(1.0 + 2.0 * (hi - y2) / span) * span), lo, hi)
        C1[r, c] = np.where(swap, k2, k1)
        C2[r, c] = np.where(swap, k1, k2)
        return np.concatenate([C1, C2])


@dataclass(frozen=True)
class UniformCrossover:
    """Each variable of a crossed pair is swapped with probability 1/2."""

    prob: float = 0.9

    def __post_init__(self) -> None:
        _check_prob("prob", self.prob)

    def __call__(self, A, B, xl, xu, rng: np.random.Generator) -> np.ndarray:
        n, d = A.shape
        swap = (rng.random((n, 1)) < self.prob) & (rng.random((n, d)) < 0.5)
        return np.concatenate([np.where(swap, B, A), np.where(swap, A, B)])


@dataclass(frozen=True)
class PointCrossover:
    """k-point crossover: the parents swap the segments between ``n_points`` random cuts."""

    n_points: int = 2
    prob: float = 0.9

    def __post_init__(self) -> None:
        _check_prob("prob", self.prob)
        if self.n_points < 1:
            raise ValueError(f"n_points must be >= 1, got {self.n_points!r}")

    def __call__(self, A, B, xl, xu, rng: np.random.Generator) -> np.ndarray:
        n, d = A.shape
        k = min(self.n_points, d - 1)
        if k < 1:
            return np.concatenate([A.copy(), B.copy()])
        cuts = np.sort(np.argsort(rng.random((n, d - 1)), axis=1)[:, :k] + 1, axis=1)
        # a column is swapped when an odd number of cuts lie at or before it
        segment = (np.arange(d)[None, None, :] >= cuts[:, :, None]).sum(axis=1) % 2 == 1
        swap = segment & (rng.random((n, 1)) < self.prob)
        return np.concatenate([np.where(swap, B, A), np.where(swap, A, B)])
