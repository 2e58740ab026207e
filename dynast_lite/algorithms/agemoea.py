"""AGE-MOEA (Panichella 2019): NSGA-II's framework with a survival score that adapts to the
estimated geometry (the Minkowski exponent p) of the first front."""

from __future__ import annotations

import numpy as np

from .._kernels.niching import age_survival_score
from .._kernels.ranking import non_dominated_rank
from .genetic import GeneticAlgorithm, fronts_until, split_by_feasibility

__all__ = ["AGEMOEA"]


def _corner_points(front: np.ndarray) -> np.ndarray:
    """For each axis, the distinct point nearest to that axis (weights 1e-6 off the axis)."""
    m, n = front.shape
    if m <= n:
        return np.arange(m)
    chosen = np.zeros(m, bool)
    out = np.empty(n, np.int64)
    for j in range(n):
        w = np.full(n, 1e-6)
        w[j] = 1.0
        t = front @ w / (w @ w)
        d = ((front - t[:, None] * w) ** 2).sum(axis=1)
        d[chosen] = np.inf
        out[j] = int(np.argmin(d))
        chosen[out[j]] = True
    return out


def _intercepts(front: np.ndarray, extreme: np.ndarray) -> np.ndarray:
    fallback = front.max(axis=0)
    fallback[fallback == 0.0] = 1.0
    if np.unique(extreme).shape[0] != extreme.shape[0]:
        return fallback
    try:
        plane = np.linalg.solve(front[extreme], np.ones(front.shape[1]))
    except np.linalg.LinAlgError:
        return fallback
    if not np.all(np.isfinite(plane)) or np.any(plane <= 0):
        return fallback
    out = 1.0 / plane
    out[~np.isfinite(out) | (out == 0.0)] = 1.0
    return out


def _geometry(front: np.ndarray, extreme: np.ndarray) -> float:
    """Exponent p of the front's shape sum f_i^p = 1, from the point nearest the diagonal."""
    n = front.shape[1]
    ones = np.ones(n) / np.sqrt(n)
    d = ((front - (front @ ones)[:, None] * ones) ** 2).sum(axis=1)
    d[extreme] = np.inf
    if not np.isfinite(d).any():
        return 1.0
    mean = front[int(np.argmin(d))].mean()
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.log(n) / np.log(1.0 / mean)
    if not np.isfinite(p) or p <= 0.1:
        return 1.0
    return float(min(p, 20.0))


class AGEMOEA(GeneticAlgorithm):
    """AGE-MOEA; parents by binary tournament on (rank, survival score)."""

    n_obj_range = (2, 2)
    name = "age"

    def _survive(self, F, cv, n):
        feasible, filler = split_by_feasibility(cv, n)
        chosen = np.zeros(0, np.int64)
        rank_c = np.zeros(0, np.int64)
        score_c = np.zeros(0)
        if feasible.shape[0]:
            Ff = F[feasible]
            rank = non_dominated_rank(Ff)
            head, last = fronts_until(rank, n)
            considered = np.concatenate([head, last])
            score = np.zeros(Ff.shape[0])
            first = np.flatnonzero(rank == 0)
            ideal = Ff[first].min(axis=0)
            front = np.round(Ff[first] - ideal, 12)
            if front.shape[0] < Ff.shape[1]:
                p, scale = 1.0, np.where(front.max(axis=0) > 0, front.max(axis=0), 1.0)
            else:
                extreme = _corner_points(front)
                scale = _intercepts(front, extreme)
                front = front / scale
                p = _geometry(front, extreme)
                score[first] = age_survival_score(front, extreme, p)
            others = considered[rank[considered] > 0]
            if others.shape[0]:
                dist = (np.abs((Ff[others] - ideal) / scale) ** p).sum(axis=1) ** (1.0 / p)
                score[others] = 1.0 / np.maximum(dist, 1e-12)
            need = n - head.shape[0]
            best_last = last[np.argsort(-score[last], kind="stable")[:need]]
            keep = np.concatenate([head, best_last])
            chosen, rank_c, score_c = feasible[keep], rank[keep], score[keep]
        top = int(rank_c.max()) + 1 if rank_c.shape[0] else 0
        order = np.concatenate([chosen, filler])
        rank_all = np.concatenate([rank_c, top + np.arange(filler.shape[0])])
        return order, rank_all, np.concatenate([score_c, np.zeros(filler.shape[0])])
