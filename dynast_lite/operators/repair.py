"""Repairs that map operator output back into the space."""

from __future__ import annotations

import numpy as np

__all__ = ["clip_to_bounds", "round_integers"]


def clip_to_bounds(X: np.ndarray, xl: np.ndarray, xu: np.ndarray) -> np.ndarray:
    return np.clip(X, xl, xu)


def round_integers(X: np.ndarray, integer: np.ndarray, xl: np.ndarray, xu: np.ndarray) -> np.ndarray:
    """Round the integer columns to the nearest whole number inside the bounds.

    Args:
        X: shape (n, n_var).
        integer: bool mask of shape (n_var,).
        xl, xu: bounds, shape (n_var,).
    """
    X = X.copy()
    if integer.any():
        X[:, integer] = np.clip(np.rint(X[:, integer]), xl[integer], xu[integer])
    return X
