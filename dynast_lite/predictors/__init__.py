"""Predictors of a sub-network's metrics from its features (scikit-learn estimator contract,
NumPy only)."""

from .auto import PREDICTORS, AutoPredictor, kendall_tau
from .base import Predictor
from .kernel_ridge import KernelRidge
from .mlp import MLP
from .ridge import Ridge

__all__ = ["MLP", "PREDICTORS", "AutoPredictor", "KernelRidge", "Predictor", "Ridge", "kendall_tau"]
