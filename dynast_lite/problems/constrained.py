"""Constrained DTLZ problems (Jain & Deb 2014), feasible where G <= 0."""

from __future__ import annotations

import numpy as np

from ..problem import Problem
from .dtlz import dtlz1, dtlz2, dtlz4


def c1_dtlz1(n_var: int = 7, n_obj: int = 3) -> Problem:
    """DTLZ1 with a feasible band just above the true front: only the region with
    1 - f_M / 0.6 - sum_{i<M} f_i / 0.5 >= 0 is feasible. The front is DTLZ1's."""
    base = dtlz1(n_var, n_obj)

    def f(X):
        F = base.evaluate_fn(X)
        g = -(1.0 - F[:, -1] / 0.6 - F[:, :-1].sum(axis=1) / 0.5)
        return F, g[:, None]

    return Problem(
        n_var, n_obj, 0.0, 1.0, evaluate=f, n_constr=1, name="c1_dtlz1", true_front=base.true_front
    )


def c2_dtlz2(n_var: int = 12, n_obj: int = 3) -> Problem:
    """DTLZ2 where only small regions of the front are feasible: near each corner and near the
    centre of the sphere's positive orthant (r = 0.4 for three objectives, 0.5 beyond)."""
    base = dtlz2(n_var, n_obj)
    r = 0.4 if n_obj == 3 else 0.5

    def violation(F: np.ndarray) -> np.ndarray:
        sq = (F**2).sum(axis=1)
        corner = np.min((F - 1.0) ** 2 + (sq[:, None] - F**2) - r**2, axis=1)
        centre = ((F - 1.0 / np.sqrt(n_obj)) ** 2).sum(axis=1) - r**2
        return np.minimum(corner, centre)

    def f(X):
        F = base.evaluate_fn(X)
        return F, violation(F)[:, None]

    def front(n: int) -> np.ndarray:
        P = base.pareto_front(max(n * 20, 2000))
        P = P[violation(P) <= 0]
        return P[np.linspace(0, P.shape[0] - 1, min(n, P.shape[0])).astype(int)]

    return Problem(n_var, n_obj, 0.0, 1.0, evaluate=f, n_constr=1, name="c2_dtlz2", true_front=front)


def c3_dtlz4(n_var: int = 12, n_obj: int = 3) -> Problem:
    """DTLZ4 with one constraint per objective, 1 - f_j^2 / 4 - sum_{i != j} f_i^2 <= 0: the
    sphere itself is infeasible and the front lies on the constraints' surfaces, each point of
    DTLZ4's front pushed outwards until the binding constraint (its largest objective's) holds."""
    base = dtlz4(n_var, n_obj)

    def constraints(F: np.ndarray) -> np.ndarray:
        sq = F**2
        return 1.0 - sq / 4.0 - (sq.sum(axis=1, keepdims=True) - sq)

    def f(X):
        F = base.evaluate_fn(X)
        return F, constraints(F)

    def front(n: int) -> np.ndarray:
        P = base.pareto_front(n)
        scale = np.sqrt((P**2).sum(axis=1) - 0.75 * (P**2).max(axis=1))
        return P / scale[:, None]

    return Problem(n_var, n_obj, 0.0, 1.0, evaluate=f, n_constr=n_obj, name="c3_dtlz4", true_front=front)
