"""ZDT bi-objective problems (Zitzler, Deb & Thiele 2000)."""

from __future__ import annotations

import numpy as np

from ..indicators import pareto_front
from ..problem import Problem


def _zdt(name, n_var, xl, xu, f, front) -> Problem:
    return Problem(n_var, 2, xl, xu, evaluate=f, name=name, true_front=front)


def _convex_front(n: int) -> np.ndarray:
    f1 = np.linspace(0.0, 1.0, n)
    return np.column_stack([f1, 1.0 - np.sqrt(f1)])


def _concave_front(lo: float):
    def front(n: int) -> np.ndarray:
        f1 = np.linspace(lo, 1.0, n)
        return np.column_stack([f1, 1.0 - f1**2])

    return front


def zdt1(n_var: int = 30) -> Problem:
    """Convex front f2 = 1 - sqrt(f1); x in [0, 1]^n_var."""

    def f(X):
        g = 1.0 + 9.0 * X[:, 1:].sum(axis=1) / (n_var - 1)
        return np.column_stack([X[:, 0], g * (1.0 - np.sqrt(X[:, 0] / g))])

    return _zdt("zdt1", n_var, 0.0, 1.0, f, _convex_front)


def zdt2(n_var: int = 30) -> Problem:
    """Concave front f2 = 1 - f1^2; x in [0, 1]^n_var."""

    def f(X):
        g = 1.0 + 9.0 * X[:, 1:].sum(axis=1) / (n_var - 1)
        return np.column_stack([X[:, 0], g * (1.0 - (X[:, 0] / g) ** 2)])

    return _zdt("zdt2", n_var, 0.0, 1.0, f, _concave_front(0.0))


def _zdt3_h(f1, g):
    return 1.0 - np.sqrt(f1 / g) - (f1 / g) * np.sin(10.0 * np.pi * f1)


def _zdt3_front(n: int) -> np.ndarray:
    # five disconnected pieces: the non-dominated part of the g = 1 curve
    f1 = np.linspace(0.0, 0.8518328654, max(20 * n, 2000))
    F = np.column_stack([f1, _zdt3_h(f1, 1.0)])
    F = F[pareto_front(F)]
    return F[np.linspace(0, F.shape[0] - 1, min(n, F.shape[0])).astype(int)]


def zdt3(n_var: int = 30) -> Problem:
    """Disconnected front; x in [0, 1]^n_var."""

    def f(X):
        g = 1.0 + 9.0 * X[:, 1:].sum(axis=1) / (n_var - 1)
        return np.column_stack([X[:, 0], g * _zdt3_h(X[:, 0], g)])

    return _zdt("zdt3", n_var, 0.0, 1.0, f, _zdt3_front)


def zdt4(n_var: int = 10) -> Problem:
    """Multimodal (21^9 local fronts), same front as ZDT1; x1 in [0, 1], the rest in [-5, 5]."""
    xl = np.r_[0.0, np.full(n_var - 1, -5.0)]
    xu = np.r_[1.0, np.full(n_var - 1, 5.0)]

    def f(X):
        rest = X[:, 1:]
        g = 1.0 + 10.0 * (n_var - 1) + (rest**2 - 10.0 * np.cos(4.0 * np.pi * rest)).sum(axis=1)
        return np.column_stack([X[:, 0], g * (1.0 - np.sqrt(X[:, 0] / g))])

    return _zdt("zdt4", n_var, xl, xu, f, _convex_front)


_ZDT6_F1_MIN = 0.2807753191  # min over x1 of 1 - exp(-4 x1) sin^6(6 pi x1)


def zdt6(n_var: int = 10) -> Problem:
    """Non-uniform, concave front f2 = 1 - f1^2 with f1 >= 0.2808; x in [0, 1]^n_var."""

    def f(X):
        x1 = X[:, 0]
        f1 = 1.0 - np.exp(-4.0 * x1) * np.sin(6.0 * np.pi * x1) ** 6
        g = 1.0 + 9.0 * (X[:, 1:].sum(axis=1) / (n_var - 1)) ** 0.25
        return np.column_stack([f1, g * (1.0 - (f1 / g) ** 2)])

    return _zdt("zdt6", n_var, 0.0, 1.0, f, _concave_front(_ZDT6_F1_MIN))
