"""Predictors of a sub-network's metrics from its features (scikit-learn estimator contract,
NumPy only; each imported on first use)."""

from .._lazy import lazy_attributes

_NAMES = {
    "MLP": ".mlp:MLP",
    "PREDICTORS": ".auto:PREDICTORS",
    "AutoPredictor": ".auto:AutoPredictor",
    "KernelRidge": ".kernel_ridge:KernelRidge",
    "Predictor": ".base:Predictor",
    "Ridge": ".ridge:Ridge",
    "kendall_tau": ".auto:kendall_tau",
}
__getattr__, __dir__ = lazy_attributes(__name__, _NAMES)
__all__ = sorted(_NAMES)
