"""A small multilayer perceptron in NumPy: one ReLU hidden layer, Adam, early stopping on a
held-out tenth, an ensemble of a few seeded members averaged."""

from __future__ import annotations

import numpy as np

from .base import Predictor, check_X, check_Xy

__all__ = ["MLP"]


def _train_member(X, y, hidden, lr, weight_decay, max_epochs, patience, batch_size, rng):
    n, p = X.shape
    n_val = max(1, n // 10) if n >= 20 else 0
    perm = rng.permutation(n)
    val, tr = perm[:n_val], perm[n_val:]
    W1 = rng.normal(0.0, np.sqrt(2.0 / p), (p, hidden))
    b1 = np.zeros(hidden)
    W2 = rng.normal(0.0, np.sqrt(1.0 / hidden), hidden)
    b2 = 0.0
    params = [W1, b1, W2, np.array(b2)]
    m = [np.zeros_like(q) for q in params]
    v = [np.zeros_like(q) for q in params]
    best, best_loss, stale, t = [q.copy() for q in params], np.inf, 0, 0
    for _ in range(max_epochs):
        order = tr[rng.permutation(tr.shape[0])]
        for s in range(0, order.shape[0], batch_size):
            idx = order[s : s + batch_size]
            xb, yb = X[idx], y[idx]
            h_pre = xb @ params[0] + params[1]
            h = np.maximum(h_pre, 0.0)
            out = h @ params[2] + params[3]
            err = (out - yb) / idx.shape[0]
            g_W2 = h.T @ err + weight_decay * params[2]
            g_b2 = np.array(err.sum())
            dh = np.outer(err, params[2]) * (h_pre > 0)
            g_W1 = xb.T @ dh + weight_decay * params[0]
            g_b1 = dh.sum(axis=0)
            t += 1
            for q, g, mq, vq in zip(params, (g_W1, g_b1, g_W2, g_b2), m, v, strict=True):
                mq *= 0.9
                mq += 0.1 * g
                vq *= 0.999
                vq += 0.001 * g * g
                q -= lr * (mq / (1 - 0.9**t)) / (np.sqrt(vq / (1 - 0.999**t)) + 1e-8)
        if n_val == 0:
            best = [q.copy() for q in params]
            continue
        pred = np.maximum(X[val] @ params[0] + params[1], 0.0) @ params[2] + params[3]
        loss = float(((pred - y[val]) ** 2).mean())
        if loss < best_loss - 1e-9:
            best, best_loss, stale = [q.copy() for q in params], loss, 0
        else:
            stale += 1
            if stale >= patience:
                break
    return best


class MLP(Predictor):
    """MLP regressor: an average of ``n_members`` networks trained from different seeds.

    Args:
        hidden: units in the hidden layer.
        n_members: ensemble size.
        lr: Adam step size.
        weight_decay: L2 penalty on the weights.
        max_epochs: epochs at most; training stops earlier when the held-out tenth stops
            improving for ``patience`` epochs.
        batch_size: rows per step; ``None``: all training rows (full-batch Adam, which ranked
            best on the OFA measurements: tau 0.81 at 200 rows against 0.71-0.77 for 64-256).
        seed: seed of the members' initialisation and data order.

    Fitted attributes: ``members_``, ``x_mean_``, ``x_scale_``, ``y_mean_``, ``y_scale_``,
    ``n_features_in_``.
    """

    def __init__(
        self,
        hidden: int = 32,
        n_members: int = 3,
        lr: float = 2e-2,
        weight_decay: float = 1e-4,
        max_epochs: int = 300,
        patience: int = 20,
        batch_size: int | None = None,
        seed: int = 0,
    ):
        self.hidden = hidden
        self.n_members = n_members
        self.lr = lr
        self.weight_decay = weight_decay
        self.max_epochs = max_epochs
        self.patience = patience
        self.batch_size = batch_size
        self.seed = seed

    def fit(self, X, y) -> MLP:
        X, y = check_Xy(X, y)
        if self.hidden < 1 or self.n_members < 1 or (self.batch_size is not None and self.batch_size < 1):
            raise ValueError("hidden and n_members must be >= 1, batch_size >= 1 or None")
        self.n_features_in_ = X.shape[1]
        self.x_mean_ = X.mean(axis=0)
        self.x_scale_ = np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
        self.y_mean_ = float(y.mean())
        self.y_scale_ = float(y.std()) or 1.0
        Xs = (X - self.x_mean_) / self.x_scale_
        ys = (y - self.y_mean_) / self.y_scale_
        if not np.any(ys):
            self.members_ = []
            return self
        seeds = np.random.SeedSequence(self.seed).spawn(self.n_members)
        self.members_ = [
            _train_member(
                Xs,
                ys,
                self.hidden,
                self.lr,
                self.weight_decay,
                self.max_epochs,
                self.patience,
                self.batch_size or X.shape[0],
                np.random.default_rng(s),
            )
            for s in seeds
        ]
        return self

    def predict(self, X) -> np.ndarray:
        self._check_fitted()
        X = check_X(X, self.n_features_in_)
        if not self.members_:
            return np.full(X.shape[0], self.y_mean_)
        Xs = (X - self.x_mean_) / self.x_scale_
        out = np.zeros(X.shape[0])
        for W1, b1, W2, b2 in self.members_:
            out += np.maximum(Xs @ W1 + b1, 0.0) @ W2 + b2
        return out / len(self.members_) * self.y_scale_ + self.y_mean_
