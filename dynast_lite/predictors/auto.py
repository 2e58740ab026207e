"""Choose or blend predictors by cross-validated rank agreement (Kendall's tau), since a search
only needs the predictions to order candidates correctly."""

from __future__ import annotations

import numpy as np

from .base import Predictor, check_X, check_Xy
from .kernel_ridge import KernelRidge
from .mlp import MLP
from .ridge import Ridge

__all__ = ["PREDICTORS", "AutoPredictor", "kendall_tau"]

PREDICTORS: dict[str, type[Predictor]] = {"ridge": Ridge, "kernel_ridge": KernelRidge, "mlp": MLP}


#: above this many values Kendall's tau comes from SciPy's O(n log n) algorithm; below, the
#: O(n^2) pair count in NumPy is as fast and spares a process importing scipy.stats (0.5 s)
_PAIRWISE_MAX = 4000


def kendall_tau(a: np.ndarray, b: np.ndarray) -> float:
    """Kendall's tau-b (ties accounted for as SciPy does); 0 where it is undefined (a constant
    input or fewer than 2 values)."""
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    n = a.shape[0]
    if n != b.shape[0]:
        raise ValueError(f"kendall_tau needs two arrays of one length, got {n} and {b.shape[0]}")
    if n < 2:
        return 0.0
    if n > _PAIRWISE_MAX:
        from scipy.stats import kendalltau

        tau = kendalltau(a, b).statistic
        return 0.0 if not np.isfinite(tau) else float(tau)
    s = 0.0
    ties_a = ties_b = 0.0
    for start in range(0, n, 512):
        da = np.sign(a[start : start + 512, None] - a[None, :])
        db = np.sign(b[start : start + 512, None] - b[None, :])
        s += float((da * db).sum())
        ties_a += float((da == 0).sum())
        ties_b += float((db == 0).sum())
    # every unordered pair was seen twice, and each value met itself once
    pairs = n * (n - 1) / 2
    s /= 2.0
    tied_a = (ties_a - n) / 2.0
    tied_b = (ties_b - n) / 2.0
    denominator = np.sqrt((pairs - tied_a) * (pairs - tied_b))
    return 0.0 if denominator == 0 else float(s / denominator)


def _folds(n: int, k: int, rng: np.random.Generator) -> list[np.ndarray]:
    return np.array_split(rng.permutation(n), k)


def _with_fitted_settings(model: Predictor, fitted: Predictor) -> Predictor:
    """``model`` with each automatic setting (None) replaced by the value ``fitted`` chose."""
    chosen = {
        k: getattr(fitted, k + "_")
        for k, v in model.get_params().items()
        if v is None and hasattr(fitted, k + "_")
    }
    return model.set_params(**chosen)


def _standardize(p: np.ndarray) -> np.ndarray:
    s = p.std()
    return (p - p.mean()) / s if s > 0 else p - p.mean()


class AutoPredictor(Predictor):
    """Picks, per target, the candidate whose out-of-fold predictions rank the held-out rows
    best, or a blend of the good ones when the blend ranks better still.

    Args:
        candidates: names from ``PREDICTORS``. The MLP is not among the defaults: on held-out
            OFA measurements, letting it compete left the tau where kernel ridge alone puts it
            at every training size, and it took most of the fitting time (1.2 s against 0.2 s
            on 725 rows). Pass ``("ridge", "kernel_ridge", "mlp")`` to let it compete.
        cv: folds (fewer when there are few rows; below 2 rows per fold, Ridge alone).
        blend: allow averaging the standardised predictions of candidates within
            ``blend_margin`` of the best tau.
        blend_margin: see ``blend``.
        seed: seed of the fold split and of the candidates that take one.

    Fitted attributes: ``scores_`` (candidate -> out-of-fold tau), ``chosen_`` (names),
    ``weights_``, ``models_``, ``n_features_in_``.
    """

    def __init__(
        self,
        candidates: tuple[str, ...] = ("ridge", "kernel_ridge"),
        cv: int = 5,
        blend: bool = True,
        blend_margin: float = 0.03,
        seed: int = 0,
    ):
        self.candidates = candidates
        self.cv = cv
        self.blend = blend
        self.blend_margin = blend_margin
        self.seed = seed

    def _make(self, name: str) -> Predictor:
        if name not in PREDICTORS:
            raise ValueError(f"unknown predictor {name!r}; choose from {sorted(PREDICTORS)}")
        cls = PREDICTORS[name]
        return cls(seed=self.seed) if "seed" in cls().get_params() else cls()

    def fit(self, X, y) -> AutoPredictor:
        X, y = check_Xy(X, y)
        n = X.shape[0]
        self.n_features_in_ = X.shape[1]
        names = list(self.candidates)
        for name in names:
            self._make(name)
        k = min(self.cv, n // 2)
        if k < 2 or not np.any(y - y[0]):
            self.scores_, self.chosen_, self.weights_ = {}, ["ridge"], np.ones(1)
            self.models_ = [Ridge().fit(X, y)]
            return self
        rng = np.random.default_rng(self.seed)
        # Hyperparameters a candidate chooses for itself (penalties, length scales) are chosen
        # once, on all rows, and held fixed in the folds: the folds then cost one solve each.
        full = {name: self._make(name).fit(X, y) for name in names}
        oof = {name: np.empty(n) for name in names}
        for test in _folds(n, k, rng):
            train = np.setdiff1d(np.arange(n), test)
            for name in names:
                model = _with_fitted_settings(self._make(name), full[name])
                oof[name][test] = model.fit(X[train], y[train]).predict(X[test])
        self.scores_ = {name: kendall_tau(oof[name], y) for name in names}
        best = max(names, key=lambda nm: self.scores_[nm])
        chosen, weights = [best], np.ones(1)
        if self.blend:
            near = [nm for nm in names if self.scores_[nm] >= self.scores_[best] - self.blend_margin]
            if len(near) > 1:
                w = np.array([max(self.scores_[nm], 1e-6) for nm in near])
                w /= w.sum()
                mix = sum(wi * _standardize(oof[nm]) for wi, nm in zip(w, near, strict=True))
                if kendall_tau(mix, y) > self.scores_[best]:
                    chosen, weights = near, w
        self.chosen_, self.weights_ = chosen, weights
        self.models_ = [full[name] for name in chosen]
        if len(chosen) > 1:
            # put the blend back on the target's scale through its in-sample fit
            parts = [m.predict(X) for m in self.models_]
            self._stats = [(p.mean(), p.std() or 1.0) for p in parts]
            mix = sum(w * (p - mu) / sd for w, p, (mu, sd) in zip(weights, parts, self._stats, strict=True))
            A = np.c_[mix, np.ones(n)]
            self._scale = np.linalg.lstsq(A, y, rcond=None)[0]
        return self

    def predict(self, X) -> np.ndarray:
        self._check_fitted()
        X = check_X(X, self.n_features_in_)
        if len(self.models_) == 1:
            return self.models_[0].predict(X)
        mix = sum(
            w * (m.predict(X) - mu) / sd
            for w, m, (mu, sd) in zip(self.weights_, self.models_, self._stats, strict=True)
        )
        return self._scale[0] * mix + self._scale[1]
