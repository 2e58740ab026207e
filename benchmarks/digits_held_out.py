"""Winner's curse on the digits supernet: how good are the sub-networks a search picks, on
images it never validated on?

The 539 validation images are split in two seeded halves. Every search validates on the first
(270 images); the sub-networks on its front (by those validations and MACs) are then scored on
the second (269), which no search saw. The hypervolume of the validations themselves counts a
sub-network's luck on the images it was picked on; the held-out one does not. Each validation
is one pass over the 539 images: both halves' top-1 come from the same BatchNorm-recalibrated
sub-network. A third score: the front chosen instead by a Gaussian process's posterior mean of
each validated top-1 (kernel ridge on the features and log MACs/params, fitted to the first k
validations), which discounts a sub-network's luck by its neighbours' results. Not a timing
benchmark, so a plain script (11-15 minutes here):

    python benchmarks/digits_held_out.py [seeds] [linas validations] [evolutionary validations] [objectives]

Objectives: 2 (-top-1, MACs; NSGA-II) or 3 (and params; U-NSGA-III).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import bench_linas as B  # noqa: E402  (full sizes outside pytest)
from _digits_truth import DigitsTruth  # noqa: E402
from _mode import pick  # noqa: E402

import dynast_lite as dl  # noqa: E402
from dynast_lite.predictors.kernel_ridge import KernelRidge  # noqa: E402


class HeldOutDigits(DigitsTruth):
    """Validations on one half of the digits validation split; ``held_out`` gives the other
    half's top-1 (%) of rows validated already."""

    def __init__(self, split_seed: int = 7, **options):
        super().__init__(**options)
        n = len(self.inner.split.y_val)
        perm = np.random.default_rng(split_seed).permutation(n)
        self.search_half, self.held_half = np.sort(perm[: n // 2 + n % 2]), np.sort(perm[n // 2 + n % 2 :])
        self._held: dict[bytes, float] = {}

    def _validate(self, keys: list[bytes], configs: list[dict]) -> list[float]:
        # one pass over the 539 images gives both halves' top-1; the held-out one is kept aside
        import torch

        split = self.inner.split
        search = []
        for key, config in zip(keys, configs, strict=True):
            net = self.inner.recalibrated_subnet(config)
            with torch.no_grad():
                right = (net(split.x_val).argmax(dim=1) == split.y_val).numpy()
            search.append(100.0 * right[self.search_half].mean())
            self._held[key] = 100.0 * right[self.held_half].mean()
        return search

    def held_out(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X).astype(np.int64)  # keyed as ``values`` keys them
        self._accuracy(X)
        return np.array([self._held[row.tobytes()] for row in X])


def curves(ev: HeldOutDigits, X: np.ndarray, refs: dict[str, np.ndarray], checkpoints) -> dict[str, list]:
    """At each checkpoint k: the hypervolume of the first k validations (search half), and the
    held-out hypervolume of the sub-networks on their front; objectives -top-1 (%), MACs (M)
    and, with 3-coordinate references, params (M)."""
    rows = B.objective_rows(ev, X, 3)
    F = rows[:, : refs["search"].shape[0]]
    H = F.copy()
    H[:, 0] = -ev.held_out(X)
    costs, feats = np.log(rows[:, 1:]), ev.space.features(X)
    out: dict[str, list] = {"search": [], "held": [], "smoothed": []}
    for k in checkpoints:
        front = dl.indicators.pareto_front(F[:k])
        out["search"].append(dl.indicators.hypervolume(np.unique(F[:k], axis=0), refs["search"]))
        out["held"].append(dl.indicators.hypervolume(np.unique(H[:k][front], axis=0), refs["held"]))
        # the front by a Gaussian process's posterior mean of each validated top-1 instead, its
        # inputs standardised on those k rows (not on validations the search made later)
        c = costs[:k]
        inputs = np.c_[feats[:k], (c - c.mean(0)) / c.std(0)]
        S = F[:k].copy()
        S[:, 0] = KernelRidge().fit(inputs, F[:k, 0]).predict(inputs)
        smooth = dl.indicators.pareto_front(S)
        out["smoothed"].append(dl.indicators.hypervolume(np.unique(H[:k][smooth], axis=0), refs["held"]))
    return out


def run(seeds: int, linas_budget: int, evo_budget: int, n_reference: int = 100, n_obj: int = 2) -> dict:
    """Every seed's curves: ``{(method, "search" | "held" | "smoothed"): array (seeds,
    checkpoints)}`` ("smoothed": the held-out hypervolume of the front chosen by a Gaussian
    process's posterior mean of the validated top-1 rather than by the validations), with
    ``"checkpoints"`` and ``"refs"`` (the worst of ``n_reference`` random sub-networks on each
    half, and the worst MACs of 20,000)."""
    ev = HeldOutDigits(**pick({"pretrained": False}, {}))
    X = ev.space.sample(20_000, np.random.default_rng(99))
    cost = ev.values(X, ["macs", "params"])
    costs = np.array([cost["macs"].max(), cost["params"].max()])[: n_obj - 1] / 1e6  # worst MACs (params)
    first = X[:n_reference]
    refs = {
        "search": np.r_[-ev.values(first, ["accuracy_top1"])["accuracy_top1"].min(), costs],
        "held": np.r_[-ev.held_out(first).min(), costs],
    }
    out: dict = {"refs": refs, "checkpoints": {}}
    methods = (("LINAS", "linas", linas_budget), ("evolutionary", "evolutionary", evo_budget))
    for name, tactic, budget in methods:
        checkpoints = [k for k in B.CHECKPOINTS if k <= budget]
        orders = (B.ours(ev, tactic, seed, n_obj, budget) for seed in range(seeds))
        found = [curves(ev, X_run, refs, checkpoints) for X_run in orders]
        out["checkpoints"][name] = checkpoints
        for what in ("search", "held", "smoothed"):
            out[name, what] = np.array([f[what] for f in found])
    return out


def main(seeds: int = 10, linas_budget: int = 100, evo_budget: int = 500, n_obj: int = 2) -> None:
    start = time.perf_counter()
    out = run(seeds, linas_budget, evo_budget, n_obj=n_obj)
    refs = out["refs"]
    print(f"reference (worst of 100 random): search half {refs['search']}, held-out half {refs['held']}")
    labels = {
        "search": "the validations' own hypervolume",
        "held": "its front on the held-out half",
        "smoothed": "its front by smoothed top-1, on the held-out half",
    }
    for name, checkpoints in out["checkpoints"].items():
        for what, label in labels.items():
            values = out[name, what]
            med, q25, q75 = np.median(values, 0), *np.percentile(values, [25, 75], axis=0)
            rows = zip(checkpoints, med, q25, q75, strict=True)
            cells = ", ".join(f"{k}: {m:.3f} [{a:.3f}, {b:.3f}]" for k, m, a, b in rows)
            print(f"{name}, {label}: {cells}")
    print(f"({time.perf_counter() - start:.0f} s, {seeds} seeds)")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:5]))
