"""A synthetic supernet for search benchmarks, so that the sample-efficiency comparisons do not
fit one ground truth: 30 genes of 4 choices (4^30 sub-networks), top-1 a saturating function of
per-gene effects plus pairwise interactions between neighbouring genes (so no predictor family
here models it exactly), MACs and parameters exact sums of per-gene costs that grow with the
choice, each gene with its own weights. Everything is drawn once from a fixed seed."""

from __future__ import annotations

import numpy as np
from _values_evaluator import ValuesEvaluator

import dynast_lite as dl

N_GENES, N_CHOICES = 30, 4
SPACE = {"g": {"count": N_GENES, "vars": list(range(N_CHOICES))}}


class SyntheticEvaluator(ValuesEvaluator):
    """Top-1 (%), MACs and params of the synthetic supernet; MACs and params are exact and
    cheap, as a real supernet's lookup tables are."""

    metrics = ("accuracy_top1", "macs", "params")
    exact_metrics = ("macs", "params")
    default_inner_evals = 20_000

    def __init__(self, seed: int = 7):
        rng = np.random.default_rng(seed)
        self.space = dl.SearchSpace(SPACE)
        # larger choices cost more and help more, with diminishing returns and interactions
        self.gain = np.sort(rng.gamma(2.0, 1.0, (N_GENES, N_CHOICES)), axis=1)
        self.pair = rng.normal(0.0, 0.6, (N_GENES - 1, N_CHOICES, N_CHOICES))
        self.macs_w = np.sort(rng.uniform(0.5, 4.0, (N_GENES, N_CHOICES)), axis=1) * 1e6
        self.params_w = np.sort(rng.uniform(0.1, 2.0, (N_GENES, N_CHOICES)), axis=1) * 1e5
        self.validations = 0

    def values(self, X: np.ndarray, metrics) -> dict[str, np.ndarray]:
        X = np.asarray(X).astype(int)
        genes = np.arange(N_GENES)
        out = {}
        if "accuracy_top1" in metrics:
            score = self.gain[genes, X].sum(axis=1)
            score += self.pair[genes[:-1], X[:, :-1], X[:, 1:]].sum(axis=1)
            out["accuracy_top1"] = 60.0 + 20.0 * np.tanh(score / 40.0)
        if "macs" in metrics:
            out["macs"] = self.macs_w[genes, X].sum(axis=1)
        if "params" in metrics:
            out["params"] = self.params_w[genes, X].sum(axis=1)
        return out
