"""The metrics a NAS run measures: names, units, directions and results-file columns.

Objectives are minimised inside the search core; a maximised metric (accuracy, BLEU) is
negated here, once, when measurements become objectives, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["METRICS", "Metric", "get_metric", "objectives"]


@dataclass(frozen=True)
class Metric:
    """A measurable property of a sub-network.

    Attributes:
        name: registry name (DyNAS-T's, e.g. ``accuracy_top1``).
        unit: unit of the measured value.
        maximize: whether larger is better.
        column: its column in a DyNAS-T results file.
    """

    name: str
    unit: str
    maximize: bool
    column: str

    def to_objective(self, values: np.ndarray) -> np.ndarray:
        """Measured values -> minimised objective values."""
        values = np.asarray(values, dtype=np.float64)
        return -values if self.maximize else values

    def from_objective(self, values: np.ndarray) -> np.ndarray:
        """Minimised objective values -> measured values."""
        return self.to_objective(values)


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric("accuracy_top1", "%", True, "Top-1 Acc (%)"),
        Metric("accuracy_top5", "%", True, "Top-5 Acc (%)"),
        Metric("accuracy_sst2", "fraction", True, "SST-2 Acc"),  # DyNAS-T writes a fraction here
        Metric("bleu", "BLEU", True, "BLEU Score"),
        Metric("macs", "multiply-accumulates", False, "MACs"),
        Metric("params", "parameters", False, "Model Parameters"),
        Metric("latency", "ms", False, "Latency (ms)"),
        Metric("model_size", "MB", False, "Model Size (MB)"),
    )
}


def get_metric(name: str) -> Metric:
    """The metric called ``name``; unknown names raise one error listing the valid ones."""
    try:
        return METRICS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown metric {name!r}; choose from {sorted(METRICS)}") from None


def objectives(rows: Sequence[Mapping[str, float]], names: Sequence[str]) -> np.ndarray:
    """Objective matrix (n, len(names)) of measured rows, in the order the names are given.

    A row missing a metric, or holding None or NaN for it, gives NaN there.
    """
    metrics = [get_metric(n) for n in names]
    F = np.full((len(rows), len(metrics)), np.nan)
    for i, row in enumerate(rows):
        for j, m in enumerate(metrics):
            v = row.get(m.name)
            if v is not None:
                F[i, j] = float(v)
    for j, m in enumerate(metrics):
        F[:, j] = m.to_objective(F[:, j])
    return F
