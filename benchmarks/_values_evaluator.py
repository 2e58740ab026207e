"""The evaluator side that the benchmark ground truths share: each computes every metric of
index rows in ``values(X, metrics)``; this turns that into the evaluator protocol (exact rows
for LINAS's inner loop, ``measure`` on configs, validations counted)."""

from __future__ import annotations

import numpy as np


class ValuesEvaluator:
    """Base of an evaluator with ``space`` and ``values(X, metrics) -> {metric: array}``."""

    validations = 0

    def values(self, X: np.ndarray, metrics) -> dict[str, np.ndarray]:  # pragma: no cover - abstract
        raise NotImplementedError

    def exact_rows(self, X: np.ndarray, metrics) -> dict[str, np.ndarray]:
        return self.values(X, metrics)

    def measure(self, configs, metrics):
        X = self.space.encode(configs)
        if "accuracy_top1" in metrics:
            self.validations += len(configs)
        vals = self.values(X, metrics)
        return [{m: float(vals[m][i]) for m in metrics} for i in range(len(configs))]
