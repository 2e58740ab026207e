"""Initial and random candidates."""

from __future__ import annotations

import numpy as np

__all__ = ["random_candidates"]


def random_candidates(
    n: int, xl: np.ndarray, xu: np.ndarray, integer: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Uniform random rows: continuous columns in [xl, xu], integer columns uniform over xl..xu.

    Returns:
        float64 array of shape (n, n_var).
    """
    X = xl + rng.random((n, xl.shape[0])) * (xu - xl)
    if integer.any():
        lo = xl[integer].astype(np.int64)
        hi = xu[integer].astype(np.int64)
        X[:, integer] = rng.integers(lo, hi + 1, size=(n, lo.shape[0]))
    return X
