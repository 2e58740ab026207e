"""The estimator contract every predictor follows (scikit-learn's, without depending on it):
settings are stored by ``__init__`` as given, ``fit`` returns self, fitted attributes end in
``_``, and ``get_params``/``set_params`` expose the settings."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

__all__ = ["Predictor", "check_X", "check_Xy"]


def check_X(X: Any, n_features: int | None = None) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinite values")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(f"X has {X.shape[1]} features, but the predictor was fitted with {n_features}")
    return X


def check_Xy(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    X = check_X(X)
    y = np.asarray(y, dtype=np.float64).ravel()
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]} values")
    if X.shape[0] == 0:
        raise ValueError("cannot fit on zero samples")
    if not np.isfinite(y).all():
        raise ValueError("y contains NaN or infinite values")
    return X, y


class Predictor:
    """Base class: parameter handling and the fitted-state check."""

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {n: getattr(self, n) for n in names}

    def set_params(self, **params: Any) -> Predictor:
        valid = self.get_params()
        for key, value in params.items():
            if key not in valid:
                raise ValueError(f"{type(self).__name__} has no parameter {key!r}; valid: {sorted(valid)}")
            setattr(self, key, value)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "n_features_in_"):
            raise RuntimeError(f"this {type(self).__name__} is not fitted yet; call fit(X, y) first")

    def fit(self, X: Any, y: Any) -> Predictor:  # pragma: no cover - abstract
        raise NotImplementedError

    def predict(self, X: Any) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"
