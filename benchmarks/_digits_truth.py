"""The embedded digits supernet as a search-benchmark ground truth with true accuracies: every
"validation" is a real one (the sub-network cut out of the trained ``elastic_cnn_digits``
supernet, BatchNorm recalibrated, top-1 on the 539 held-out images); MACs and parameters are its
exact closed forms. A sub-network validated once is remembered, so the methods compared in one
run, and the hypervolume curves drawn afterwards, never validate it twice."""

from __future__ import annotations

import numpy as np
import pytest
from _values_evaluator import ValuesEvaluator

#: the benchmarks built on it skip where the evaluators (PyTorch) are not installed
de = pytest.importorskip("dynast_evaluators")


class DigitsTruth(ValuesEvaluator):
    """Top-1 (%), MACs and params of ``elastic_cnn_digits`` sub-networks, in the evaluator
    protocol of the other ground truths (``values`` on index rows).

    Attributes:
        inner: the real evaluator (trained supernet, cached in ``~/.cache/dynast-lite``).
        validations: real accuracy validations run so far (remembered ones not counted again).
    """

    metrics = ("accuracy_top1", "macs", "params")
    exact_metrics = ("macs", "params")

    def __init__(self, **options):
        self.inner = de.load_supernet("elastic_cnn_digits", **options)
        self.space = self.inner.space
        self.default_inner_evals = self.inner.default_inner_evals
        self._top1: dict[bytes, float] = {}
        self.validations = 0

    def _validate(self, keys: list[bytes], configs: list[dict]) -> list[float]:
        """Top-1 (%) of ``configs`` (the sub-networks of index rows ``keys``), really validated."""
        return [row["accuracy_top1"] for row in self.inner.measure(configs, ["accuracy_top1"])]

    def _accuracy(self, X: np.ndarray) -> np.ndarray:
        keys = [row.tobytes() for row in X]
        todo = {k: i for i, k in enumerate(keys) if k not in self._top1}
        if todo:
            configs = self.space.decode(X[list(todo.values())])
            for k, top1 in zip(todo, self._validate(list(todo), configs), strict=True):
                self._top1[k] = top1
            self.validations += len(todo)
        return np.array([self._top1[k] for k in keys])

    def values(self, X: np.ndarray, metrics) -> dict[str, np.ndarray]:
        X = np.asarray(X).astype(np.int64)
        out = {}
        if "accuracy_top1" in metrics:
            out["accuracy_top1"] = self._accuracy(X)
        if "macs" in metrics or "params" in metrics:
            out.update(self.inner.exact_rows(X, ["macs", "params"]))
        return out

    def measure(self, configs, metrics):
        # the base counts every config it is given; here only real validations count
        X = self.space.encode(configs)
        vals = self.values(X, metrics)
        return [{m: float(vals[m][i]) for m in metrics} for i in range(len(configs))]
