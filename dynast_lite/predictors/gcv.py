"""Generalised cross-validation (Golub, Heath & Wahba 1979) for ridge-type smoothers.

For a smoother with eigenvalues ``lam`` of the Gram matrix (squared singular values for linear
ridge) and ``c`` the targets projected on the eigenvectors, the hat matrix at penalty ``alpha``
shrinks each component by ``lam / (lam + alpha)``; the GCV score of every alpha follows in
O(k) without refitting.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar

__all__ = ["gcv_alpha", "gcv_score"]


def gcv_score(
    log_alpha: float, lam: np.ndarray, c: np.ndarray, rest: float, n: int, extra_df: int, gamma: float = 1.0
) -> float:
    """GCV(alpha) = n * |residual|^2 / (n - gamma * df)^2 at alpha = exp(log_alpha).

    Args:
        lam: eigenvalues (>= 0), shape (k,).
        c: targets in the eigenbasis, shape (k,).
        rest: squared norm of the targets outside the eigenbasis' span.
        n: number of samples.
        extra_df: degrees of freedom not shrunk (1 for a fitted intercept).
        gamma: 1 for plain GCV; above 1 charges each degree of freedom more (modified GCV,
            Kim & Gu 2004), which stops the near-interpolating penalties plain GCV can pick
            when there are about as many features as samples.
    """
    alpha = np.exp(log_alpha)
    shrink = alpha / (lam + alpha)
    resid = rest + float(((shrink * c) ** 2).sum())
    df = float((lam / (lam + alpha)).sum()) + extra_df
    if n - gamma * df <= 1e-9:
        return np.inf
    return n * resid / (n - gamma * df) ** 2


def gcv_alpha(
    lam: np.ndarray, c: np.ndarray, rest: float, n: int, extra_df: int = 1, gamma: float = 1.0
) -> float:
    """The penalty minimising GCV: a scan of 41 log-spaced values spanning the spectrum,
    refined by a bounded scalar search around the best."""
    top = max(float(lam.max()) if lam.size else 1.0, 1e-12)
    grid = np.linspace(np.log(top * 1e-8), np.log(top * 1e4), 41)
    scores = np.array([gcv_score(g, lam, c, rest, n, extra_df, gamma) for g in grid])
    if not np.isfinite(scores).any():
        return float(np.exp(grid[-1]))
    i = int(np.nanargmin(np.where(np.isfinite(scores), scores, np.nan)))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    if hi <= lo:
        return float(np.exp(grid[i]))
    res = minimize_scalar(
        gcv_score,
        bounds=(lo, hi),
        args=(lam, c, rest, n, extra_df, gamma),
        method="bounded",
        options={"xatol": 1e-3},
    )
    best = res.x if res.fun <= scores[i] else grid[i]
    return float(np.exp(best))
