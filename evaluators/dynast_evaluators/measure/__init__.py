"""Measurements of PyTorch models: exact MACs and parameters, latency, accuracy."""

from .accuracy import evaluate_accuracy, recalibrate_bn
from .counting import count_macs, count_params
from .latency import LatencyReport, measure_latency

__all__ = [
    "LatencyReport",
    "count_macs",
    "count_params",
    "evaluate_accuracy",
    "measure_latency",
    "recalibrate_bn",
]
