"""Parent selection."""

from __future__ import annotations

import numpy as np

__all__ = ["binary_tournament"]


def binary_tournament(rank: np.ndarray, crowding: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Pick ``n`` parents by binary tournaments: lower rank wins, then larger crowding, then a
    coin flip. Competitors are drawn from shuffled copies of the population, so every member
    takes part in about the same number of tournaments.

    Args:
        rank: shape (p,), constrained Pareto rank (lower is better).
        crowding: shape (p,), larger is better.
        n: number of winners.
        rng: the run's random generator.

    Returns:
        int64 indices into the population, shape (n,).
    """
    p = rank.shape[0]
    copies = -(-2 * n // p)
    pool = np.concatenate([rng.permutation(p) for _ in range(copies)])[: 2 * n]
    a, b = pool[0::2], pool[1::2]
    coin = rng.random(n) < 0.5
    a_wins = (rank[a] < rank[b]) | (
        (rank[a] == rank[b]) & ((crowding[a] > crowding[b]) | ((crowding[a] == crowding[b]) & coin))
    )
    return np.where(a_wins, a, b)
