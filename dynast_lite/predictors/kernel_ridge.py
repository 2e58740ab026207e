"""RBF kernel ridge regression with its penalty and length scale chosen in closed form by
generalised cross-validation, in place of DyNAS-T's grid-searched SVR."""

from __future__ import annotations

import numpy as np

from .base import Predictor, check_X, check_Xy
from .gcv import gcv_alpha, gcv_score

__all__ = ["KernelRidge"]

# length scales tried, as multiples of the median pairwise distance
_SCALES = (0.5, 1.0, 2.0, 4.0)
# rows used to choose the length scale (an eigendecomposition each); the penalty is then
# chosen on all rows
_SELECT_ROWS = 300


def _sq_dists(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    d = (A**2).sum(axis=1)[:, None] + (B**2).sum(axis=1)[None, :] - 2.0 * A @ B.T
    return np.maximum(d, 0.0)


def _gcv_fit(K: np.ndarray, yc: np.ndarray) -> tuple[float, float, np.ndarray, np.ndarray]:
    lam, Q = np.linalg.eigh(K)
    lam = np.maximum(lam, 0.0)
    c = Q.T @ yc
    n = K.shape[0]
    alpha = gcv_alpha(lam, c, 0.0, n, extra_df=1)
    return alpha, gcv_score(np.log(alpha), lam, c, 0.0, n, 1), lam, Q


class KernelRidge(Predictor):
    """Kernel ridge regression with the Gaussian (RBF) kernel exp(-|x - x'|^2 / (2 l^2)).

    Args:
        alpha: penalty; ``None`` chooses it by GCV from one eigendecomposition.
        length_scale: ``l``; ``None`` chooses it by GCV among 0.5, 1, 2 and 4 times the median
            pairwise distance (on at most 300 rows).
        seed: seed of the row subset used to choose the length scale.

    Fitted attributes: ``alpha_``, ``length_scale_``, ``dual_coef_``, ``X_fit_``,
    ``intercept_``, ``n_features_in_``.
    """

    def __init__(self, alpha: float | None = None, length_scale: float | None = None, seed: int = 0):
        self.alpha = alpha
        self.length_scale = length_scale
        self.seed = seed

    def fit(self, X, y) -> KernelRidge:
        X, y = check_Xy(X, y)
        n = X.shape[0]
        self.n_features_in_ = X.shape[1]
        self.X_fit_ = X
        self.intercept_ = float(y.mean())
        yc = y - self.intercept_
        D2 = _sq_dists(X, X)
        if self.length_scale is None:
            positive = D2[np.triu_indices(n, 1)]
            positive = positive[positive > 0]
            median = float(np.sqrt(np.median(positive))) if positive.size else 1.0
            if n > 2 and np.any(yc):
                rows = np.random.default_rng(self.seed).permutation(n)[:_SELECT_ROWS]
                Ds, ys = D2[np.ix_(rows, rows)], yc[rows] - yc[rows].mean()
                scores = [_gcv_fit(np.exp(-Ds / (2 * (f * median) ** 2)), ys)[1] for f in _SCALES]
                self.length_scale_ = _SCALES[int(np.argmin(scores))] * median
            else:
                self.length_scale_ = median
        else:
            if not self.length_scale > 0:
                raise ValueError(f"length_scale must be > 0 or None, got {self.length_scale!r}")
            self.length_scale_ = float(self.length_scale)
        K = np.exp(-D2 / (2 * self.length_scale_**2))
        if not np.any(yc):
            self.alpha_ = 1.0 if self.alpha is None else float(self.alpha)
            self.dual_coef_ = np.zeros(n)
            self.__dict__.pop("_Q", None)
            return self
        if self.alpha is None:
            self.alpha_, _, lam, Q = _gcv_fit(K, yc)
        else:
            if not self.alpha > 0:
                raise ValueError(f"alpha must be > 0 or None, got {self.alpha!r}")
            self.alpha_ = float(self.alpha)
            lam, Q = np.linalg.eigh(K)
            lam = np.maximum(lam, 0.0)
        # (K + alpha I)^-1 in the eigenbasis: the dual coefficients, and the posterior variance
        # of the Gaussian process this is the mean of (predict_std)
        self._Q, self._inv = Q, 1.0 / (lam + self.alpha_)
        self.dual_coef_ = Q @ ((Q.T @ yc) * self._inv)
        # the process's signal variance, by maximum likelihood given the fitted penalty
        self._signal_var = float(yc @ self.dual_coef_) / n
        return self

    def predict(self, X) -> np.ndarray:
        self._check_fitted()
        X = check_X(X, self.n_features_in_)
        K = np.exp(-_sq_dists(X, self.X_fit_) / (2 * self.length_scale_**2))
        return K @ self.dual_coef_ + self.intercept_

    def predict_std(self, X) -> np.ndarray:
        """Posterior standard deviation of the prediction, in the target's units, shape
        (n_samples,): kernel ridge is the posterior mean of a Gaussian process with kernel
        ``s^2 k`` and noise variance ``s^2 alpha``, ``s^2`` fitted by maximum likelihood. Near
        the training rows it is small; far from them it approaches ``s``."""
        self._check_fitted()
        X = check_X(X, self.n_features_in_)
        if not hasattr(self, "_Q"):  # a constant target: nothing to be unsure about
            return np.zeros(X.shape[0])
        V = np.exp(-_sq_dists(X, self.X_fit_) / (2 * self.length_scale_**2)) @ self._Q
        explained = (V**2 * self._inv).sum(axis=1)
        return np.sqrt(self._signal_var * np.maximum(1.0 - explained, 0.0))
