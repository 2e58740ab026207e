"""The optimisation problem the algorithms see: bounds, variable types, vectorised evaluation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Problem"]


def _as_bounds(name: str, value: Any, n_var: int) -> np.ndarray:
    arr = np.broadcast_to(np.asarray(value, dtype=np.float64), (n_var,)).copy()
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite, got {arr.tolist()}")
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class Problem:
    """A vectorised problem, every objective minimised, feasible where all ``G <= 0``.

    Args:
        n_var: number of decision variables.
        n_obj: number of objectives.
        xl, xu: lower and upper bounds, scalars or shape (n_var,).
        evaluate: ``fn(X) -> F``, or ``fn(X) -> (F, G)`` when ``n_constr > 0``; X has shape
            (n, n_var), F (n, n_obj), G (n, n_constr).
        integer: True/False for all variables, or a bool mask of shape (n_var,).
        n_constr: number of inequality constraints.
        objective_names: one name per objective (default ``f1``, ``f2``, ...).
        nan_is_failure: if True, a NaN objective or constraint marks that candidate as failed,
            and it is treated as dominated by every candidate that did not fail; otherwise NaN is
            an error.
        true_front: optional ``fn(n_points) -> F`` giving points on the true Pareto front.
    """

    n_var: int
    n_obj: int
    xl: Any
    xu: Any
    evaluate_fn: Callable[[np.ndarray], Any] | None = None
    integer: Any = False
    n_constr: int = 0
    objective_names: Sequence[str] | None = None
    nan_is_failure: bool = False
    true_front: Callable[[int], np.ndarray] | None = field(default=None, repr=False)
    name: str = "problem"

    def __init__(
        self,
        n_var: int,
        n_obj: int,
        xl: Any,
        xu: Any,
        evaluate: Callable[[np.ndarray], Any] | None = None,
        integer: Any = False,
        n_constr: int = 0,
        objective_names: Sequence[str] | None = None,
        nan_is_failure: bool = False,
        true_front: Callable[[int], np.ndarray] | None = None,
        name: str = "problem",
    ):
        set_ = object.__setattr__
        for key, value in (("n_var", n_var), ("n_obj", n_obj)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{key} must be a positive int, got {value!r}")
        if isinstance(n_constr, bool) or not isinstance(n_constr, (int, np.integer)) or n_constr < 0:
            raise ValueError(f"n_constr must be a non-negative int, got {n_constr!r}")
        set_(self, "n_var", int(n_var))
        set_(self, "n_obj", int(n_obj))
        set_(self, "n_constr", int(n_constr))
        lo = _as_bounds("xl", xl, self.n_var)
        hi = _as_bounds("xu", xu, self.n_var)
        if (lo > hi).any():
            j = int(np.argmax(lo > hi))
            raise ValueError(f"xl[{j}] = {float(lo[j])} is above xu[{j}] = {float(hi[j])}")
        mask = np.broadcast_to(np.asarray(integer, dtype=bool), (self.n_var,)).copy()
        mask.setflags(write=False)
        if mask.any() and not (
            np.all(lo[mask] == np.rint(lo[mask])) and np.all(hi[mask] == np.rint(hi[mask]))
        ):
            raise ValueError("integer variables need whole-number bounds")
        set_(self, "xl", lo)
        set_(self, "xu", hi)
        set_(self, "integer", mask)
        names = (
            tuple(f"f{i + 1}" for i in range(self.n_obj))
            if objective_names is None
            else tuple(objective_names)
        )
        if len(names) != self.n_obj:
            raise ValueError(f"objective_names has {len(names)} names for {self.n_obj} objectives")
        set_(self, "objective_names", names)
        set_(self, "evaluate_fn", evaluate)
        set_(self, "nan_is_failure", bool(nan_is_failure))
        set_(self, "true_front", true_front)
        set_(self, "name", name)

    def check_X(self, X: Any) -> np.ndarray:
        """Validate a batch of candidates: shape (n, n_var), finite, in bounds, integral."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1 and self.n_var == X.shape[0]:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.n_var:
            raise ValueError(f"X must have shape (n, {self.n_var}), got {X.shape}")
        if not np.isfinite(X).all():
            raise ValueError("X contains NaN or infinite values")
        outside = (X < self.xl) | (X > self.xu)
        if outside.any():
            r, c = np.argwhere(outside)[0]
            raise ValueError(
                f"X[{r}, {c}] = {float(X[r, c])} is outside the bounds "
                f"[{float(self.xl[c])}, {float(self.xu[c])}]"
            )
        if self.integer.any() and not np.all(X[:, self.integer] == np.rint(X[:, self.integer])):
            raise ValueError("integer variables of X hold non-integer values")
        return X

    def check_evaluations(self, n: int, F: Any, G: Any = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Validate evaluation results of ``n`` candidates.

        Returns:
            ``(F, G, cv)``: F (n, n_obj), G (n, n_constr), and the total constraint violation cv
            (n,) = sum of positive G; ``inf`` for failed candidates.
        """
        F = np.asarray(F, dtype=np.float64)
        if F.ndim == 1 and self.n_obj == 1 and F.shape[0] == n:
            F = F[:, None]
        if F.shape != (n, self.n_obj):
            raise ValueError(f"F must have shape ({n}, {self.n_obj}), got {F.shape}")
        if self.n_constr == 0:
            if G is not None and np.size(G) != 0:
                raise ValueError("G was given but the problem has n_constr=0")
            G = np.zeros((n, 0))
        else:
            if G is None:
                raise ValueError(f"the problem has n_constr={self.n_constr} but no G was given")
            G = np.asarray(G, dtype=np.float64)
            if G.ndim == 1 and self.n_constr == 1 and G.shape[0] == n:
                G = G[:, None]
            if G.shape != (n, self.n_constr):
                raise ValueError(f"G must have shape ({n}, {self.n_constr}), got {G.shape}")
        failed = np.isnan(F).any(axis=1)
        if G.shape[1]:
            failed |= np.isnan(G).any(axis=1)
        if failed.any() and not self.nan_is_failure:
            raise ValueError(
                f"{int(failed.sum())} candidate(s) have NaN objectives or constraints "
                f"(first: row {int(np.argmax(failed))}); pass nan_is_failure=True to treat NaN "
                "as a failed evaluation"
            )
        if (F == -np.inf).any():
            raise ValueError("F contains -inf")
        cv = np.maximum(G, 0.0).sum(axis=1) if G.shape[1] else np.zeros(n)
        if failed.any():
            cv[failed] = np.inf
        return F, G, cv

    def evaluate(self, X: Any) -> tuple[np.ndarray, np.ndarray]:
        """Evaluate a batch: returns ``(F, G)``, validated; G has shape (n, 0) without constraints."""
        F, G, _ = self.evaluate_with_violation(X)
        return F, G

    def evaluate_with_violation(self, X: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Evaluate a batch: returns validated ``(F, G, cv)`` as :meth:`check_evaluations` does."""
        if self.evaluate_fn is None:
            raise ValueError(
                f"problem {self.name!r} has no evaluate function; evaluate outside and use tell()"
            )
        X = self.check_X(X)
        out = self.evaluate_fn(X)
        if self.n_constr > 0:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise ValueError("with n_constr > 0 the evaluate function must return (F, G)")
            F, G = out
        else:
            F, G = out if isinstance(out, tuple) else (out, None)
        return self.check_evaluations(X.shape[0], F, G)

    def pareto_front(self, n_points: int = 100) -> np.ndarray:
        """Points on the true Pareto front, shape (about n_points, n_obj), when known."""
        if self.true_front is None:
            raise ValueError(f"the true Pareto front of problem {self.name!r} is not known")
        return np.asarray(self.true_front(n_points), dtype=np.float64)
