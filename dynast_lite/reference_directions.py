"""Reference directions on the unit simplex."""

from __future__ import annotations

from math import comb

import numpy as np

__all__ = ["das_dennis", "das_dennis_partitions"]


def das_dennis(n_partitions: int, n_obj: int) -> np.ndarray:
    """Das & Dennis (1998) uniform lattice on the simplex: every vector of ``n_obj``
    non-negative multiples of 1/n_partitions summing to one.

    Returns:
        float64 array of shape (C(n_partitions + n_obj - 1, n_obj - 1), n_obj).
    """
    if n_obj < 1 or n_partitions < 0:
        raise ValueError(f"need n_obj >= 1 and n_partitions >= 0, got {n_obj}, {n_partitions}")
    if n_obj == 1:
        return np.ones((1, 1))
    if n_partitions == 0:
        return np.full((1, n_obj), 1.0 / n_obj)
    rows = []

    def fill(prefix: list[int], left: int, slots: int) -> None:
        if slots == 1:
            rows.append(prefix + [left])
            return
        for k in range(left + 1):
            fill(prefix + [k], left - k, slots - 1)

    fill([], n_partitions, n_obj)
    return np.asarray(rows, dtype=np.float64) / n_partitions


def das_dennis_partitions(n_points: int, n_obj: int) -> int:
    """The largest number of partitions whose lattice has at most ``n_points`` points (>= 1)."""
    p = 1
    while comb(p + 1 + n_obj - 1, n_obj - 1) <= n_points:
        p += 1
    return p
