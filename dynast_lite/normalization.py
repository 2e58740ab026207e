"""Ideal and nadir point estimation for normalising objectives (NSGA-III, Deb & Jain 2014)."""

from __future__ import annotations

import numpy as np

__all__ = ["HyperplaneNormalization"]


class HyperplaneNormalization:
    """Tracks the ideal point, the worst point seen and the extreme points, and estimates the
    nadir point from the hyperplane through the extreme points.

    The nadir falls back to the worst point of the non-dominated front when the hyperplane is
    degenerate or its intercepts are not positive, and per objective to the worst point of the
    population where the estimated range is vanishing.
    """

    def __init__(self, n_obj: int):
        self.ideal = np.full(n_obj, np.inf)
        self.worst = np.full(n_obj, -np.inf)
        self.extremes: np.ndarray | None = None
        self.nadir = np.ones(n_obj)

    def update(self, F: np.ndarray, front: np.ndarray) -> None:
        """Update with a population's objectives ``F`` (n, m) and the indices of its first front."""
        m = F.shape[1]
        self.ideal = np.minimum(self.ideal, F.min(axis=0))
        self.worst = np.maximum(self.worst, F.max(axis=0))
        # extreme point of axis j: least achievement scalarising value with weight ~e_j
        cand = F[front] if self.extremes is None else np.vstack([self.extremes, F[front]])
        shifted = cand - self.ideal
        shifted[shifted < 1e-3] = 0.0
        weights = np.full((m, m), 1e6)
        np.fill_diagonal(weights, 1.0)
        asf = (shifted[None, :, :] * weights[:, None, :]).max(axis=2)  # (m, k)
        self.extremes = cand[asf.argmin(axis=1)]
        worst_front = F[front].max(axis=0)
        worst_pop = F.max(axis=0)
        nadir = None
        M = self.extremes - self.ideal
        try:
            plane = np.linalg.solve(M, np.ones(m))
            with np.errstate(divide="ignore"):
                intercepts = 1.0 / plane
            if np.allclose(M @ plane, 1.0) and np.all(intercepts > 1e-6) and np.all(np.isfinite(intercepts)):
                nadir = self.ideal + intercepts
                nadir = np.minimum(nadir, self.worst)
        except np.linalg.LinAlgError:
            pass
        if nadir is None:
            nadir = worst_front.copy()
        small = nadir - self.ideal <= 1e-6
        nadir[small] = worst_pop[small]
        self.nadir = nadir

    def normalize(self, F: np.ndarray) -> np.ndarray:
        span = self.nadir - self.ideal
        span = np.where(span <= 0.0, 1e-12, span)
        return (F - self.ideal) / span
