"""DTLZ scalable problems (Deb, Thiele, Laumanns & Zitzler 2002); x in [0, 1]^n_var."""

from __future__ import annotations

import numpy as np

from ..indicators import pareto_front
from ..problem import Problem
from ..reference_directions import das_dennis, das_dennis_partitions


def _check(n_var: int, n_obj: int) -> int:
    if n_obj < 2 or n_var < n_obj:
        raise ValueError(f"DTLZ needs n_obj >= 2 and n_var >= n_obj, got n_var={n_var}, n_obj={n_obj}")
    return n_var - n_obj + 1


def _lattice(n_points: int, n_obj: int) -> np.ndarray:
    return das_dennis(n_partitions=das_dennis_partitions(n_points, n_obj), n_obj=n_obj)


def _g_rastrigin(Xm: np.ndarray) -> np.ndarray:
    k = Xm.shape[1]
    return 100.0 * (k + ((Xm - 0.5) ** 2 - np.cos(20.0 * np.pi * (Xm - 0.5))).sum(axis=1))


def _sphere(Xp: np.ndarray, g: np.ndarray, n_obj: int) -> np.ndarray:
    # f_i = (1 + g) prod_{j < M-i} cos(x_j pi/2) * sin(x_{M-i} pi/2)
    n = Xp.shape[0]
    F = np.tile((1.0 + g)[:, None], (1, n_obj))
    c = np.cos(Xp * np.pi / 2.0)
    s = np.sin(Xp * np.pi / 2.0)
    for i in range(n_obj):
        m = n_obj - 1 - i
        F[:, i] *= np.prod(c[:, :m], axis=1) if m > 0 else np.ones(n)
        if i > 0:
            F[:, i] *= s[:, m]
    return F


def _sphere_front(n_obj: int):
    def front(n: int) -> np.ndarray:
        W = _lattice(n, n_obj)
        return W / np.linalg.norm(W, axis=1, keepdims=True)

    return front


def dtlz1(n_var: int = 7, n_obj: int = 3) -> Problem:
    """Linear front sum(f) = 0.5, multimodal g."""
    _check(n_var, n_obj)

    def f(X):
        Xp, Xm = X[:, : n_obj - 1], X[:, n_obj - 1 :]
        g = _g_rastrigin(Xm)
        F = np.tile(0.5 * (1.0 + g)[:, None], (1, n_obj))
        for i in range(n_obj):
            m = n_obj - 1 - i
            if m > 0:
                F[:, i] *= np.prod(Xp[:, :m], axis=1)
            if i > 0:
                F[:, i] *= 1.0 - Xp[:, m]
        return F

    return Problem(
        n_var, n_obj, 0.0, 1.0, evaluate=f, name="dtlz1", true_front=lambda n: 0.5 * _lattice(n, n_obj)
    )


def dtlz2(n_var: int = 12, n_obj: int = 3) -> Problem:
    """Spherical front sum(f^2) = 1."""
    _check(n_var, n_obj)

    def f(X):
        g = ((X[:, n_obj - 1 :] - 0.5) ** 2).sum(axis=1)
        return _sphere(X[:, : n_obj - 1], g, n_obj)

    return Problem(n_var, n_obj, 0.0, 1.0, evaluate=f, name="dtlz2", true_front=_sphere_front(n_obj))


def dtlz3(n_var: int = 12, n_obj: int = 3) -> Problem:
    """Spherical front with DTLZ1's multimodal g (3^k - 1 local fronts)."""
    _check(n_var, n_obj)

    def f(X):
        return _sphere(X[:, : n_obj - 1], _g_rastrigin(X[:, n_obj - 1 :]), n_obj)

    return Problem(n_var, n_obj, 0.0, 1.0, evaluate=f, name="dtlz3", true_front=_sphere_front(n_obj))


def dtlz4(n_var: int = 12, n_obj: int = 3, alpha: float = 100.0) -> Problem:
    """Spherical front, density biased by x^alpha."""
    _check(n_var, n_obj)

    def f(X):
        g = ((X[:, n_obj - 1 :] - 0.5) ** 2).sum(axis=1)
        return _sphere(X[:, : n_obj - 1] ** alpha, g, n_obj)

    return Problem(n_var, n_obj, 0.0, 1.0, evaluate=f, name="dtlz4", true_front=_sphere_front(n_obj))


def _dtlz7_h(Fp: np.ndarray, g: np.ndarray, n_obj: int) -> np.ndarray:
    return n_obj - (Fp / (1.0 + g[:, None]) * (1.0 + np.sin(3.0 * np.pi * Fp))).sum(axis=1)


def dtlz7(n_var: int = 22, n_obj: int = 3) -> Problem:
    """Disconnected front (2^(M-1) regions)."""
    _check(n_var, n_obj)

    def f(X):
        Fp = X[:, : n_obj - 1]
        g = 1.0 + 9.0 * X[:, n_obj - 1 :].mean(axis=1)
        return np.column_stack([Fp, (1.0 + g) * _dtlz7_h(Fp, g, n_obj)])

    def front(n: int) -> np.ndarray:
        # the non-dominated part of the g = 1 surface, sampled on a grid then thinned
        per_axis = max(2, int(np.ceil((40 * n) ** (1.0 / (n_obj - 1)))))
        axes = np.meshgrid(*[np.linspace(0.0, 1.0, per_axis)] * (n_obj - 1), indexing="ij")
        Fp = np.column_stack([a.ravel() for a in axes])
        F = np.column_stack([Fp, 2.0 * _dtlz7_h(Fp, np.ones(Fp.shape[0]), n_obj)])
        F = F[pareto_front(F)]
        return F[np.linspace(0, F.shape[0] - 1, min(n, F.shape[0])).astype(int)]

    return Problem(n_var, n_obj, 0.0, 1.0, evaluate=f, name="dtlz7", true_front=front)
