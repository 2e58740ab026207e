"""The evaluator of an OFA supernet: exact MACs/params from lookup tables, latency and accuracy
measured on the real sub-network."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..data import ImageFolderData
from ..devices import check_device
from ..evaluator_base import build_evaluator
from ..measure import LatencyReport, evaluate_accuracy, measure_latency, recalibrate_bn
from ..registry import SupernetSpec
from .networks import FAMILIES, build_supernet, default_cache_dir, load_weights
from .tables import CostTable, load_table

__all__ = ["OFAEvaluator", "OFASettings", "load_ofa"]


@dataclass(frozen=True)
class OFASettings:
    """How an OFA evaluator loads weights and measures.

    Attributes:
        checkpoint: local weights file (a state dict, or one under ``state_dict``); None: OFA's
            model zoo through the cache directory.
        pretrained: False builds randomly initialised weights (seeded), for tests and for
            MACs/params/latency, which do not depend on weight values.
        dataset_path: ImageNet-style folder (``train/``, ``val/``); needed for accuracy only.
        device: torch device for accuracy and latency (``cpu``, ``cuda``, ``cuda:1``).
        batch_size: validation batch size.
        bn_images, bn_batch_size: BatchNorm-recalibration subset of ``train/`` (DyNAS-T: 2000, 200).
        test_fraction: share of ``val/`` validated (seeded subset when below 1).
        num_workers: data-loader workers.
        latency_batch_size, latency_warmup, latency_repeats: latency protocol.
        cache_dir: where zoo weights and cost tables are kept (default ``~/.cache/dynast-lite``).
        weights_url: overrides the model-zoo address.
        seed: seeds random weights and the data subsets.
    """

    checkpoint: str | None = None
    pretrained: bool = True
    dataset_path: str | None = None
    device: str = "cpu"
    batch_size: int = 128
    bn_images: int = 2000
    bn_batch_size: int = 200
    test_fraction: float = 1.0
    num_workers: int = 4
    latency_batch_size: int = 1
    latency_warmup: int = 10
    latency_repeats: int = 50
    cache_dir: str | None = None
    weights_url: str | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if self.checkpoint is not None and not Path(self.checkpoint).is_file():
            raise ValueError(f"checkpoint {self.checkpoint} does not exist")
        check_device(self.device)
        for name in ("latency_batch_size", "latency_repeats"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")


class OFAEvaluator:
    """Measures configs of one OFA supernet.

    Attributes:
        name: the supernet.
        space: its search space.
        metrics: what :meth:`measure` can return.
        exact_metrics: metrics computed exactly from lookup tables (microseconds per config).
        default_inner_evals: LINAS inner-loop budget for this supernet.
        latency_reports: the full :class:`LatencyReport` of each latency measured, in order.
    """

    def __init__(self, spec: SupernetSpec, settings: OFASettings):
        self.spec = spec
        self.settings = settings
        self.name = spec.name
        self.space = spec.search_space()
        self.metrics = tuple(spec.metrics)
        self.exact_metrics = tuple(spec.exact_metrics)
        self.default_inner_evals = spec.default_inner_evals
        self.family = FAMILIES[spec.family]
        self.cache_dir = Path(settings.cache_dir) if settings.cache_dir else default_cache_dir()
        self.data = None
        if settings.dataset_path is not None:
            # the data settings share their names with ImageFolderData's fields
            shared = {f.name for f in dataclasses.fields(ImageFolderData)} - {"root", "transform", "splits"}
            options = {name: getattr(settings, name) for name in shared}
            self.data = ImageFolderData(Path(settings.dataset_path), **options)
        self.latency_reports: list[LatencyReport] = []
        self._net: nn.Module | None = None
        self._tables: dict[int, CostTable] = {}

    # -- the supernet, built on first need ------------------------------------------------------

    @property
    def supernet(self) -> nn.Module:
        """The supernet with its weights (loaded, or downloaded, the first time it is needed)."""
        if self._net is None:
            net = build_supernet(self.spec, seed=self.settings.seed)
            if self.settings.pretrained or self.settings.checkpoint is not None:
                load_weights(
                    net, self.spec, self.settings.checkpoint, self.cache_dir, url=self.settings.weights_url
                )
            self._net = net.eval()
        return self._net

    def encode(self, configs: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """Index rows of ``configs``; one clear error for a config outside the space.

        The resolution ``r`` may differ from the space's 224 (OFA runs at any size; the tables
        are per resolution).
        """
        for c in configs:
            self._resolution(c)
        return self.space.encode([{k: v for k, v in c.items() if k != "r"} for c in configs])

    def subnet(self, config: Mapping[str, Any]) -> nn.Module:
        """The stand-alone sub-network of ``config`` with the supernet's weights (eval mode)."""
        self.encode([config])
        return self.family.extract(self.supernet, config)

    def table(self, resolution: int) -> CostTable:
        """The MACs/params lookup table at ``resolution`` (cached on disk)."""
        if resolution not in self._tables:
            # the architecture alone fixes the table: random weights do, no download needed, and
            # no supernet is built at all when the table is cached
            def make_net() -> nn.Module:
                return self._net if self._net is not None else build_supernet(self.spec)

            self._tables[resolution] = load_table(self.spec, make_net, resolution, self.cache_dir)
        return self._tables[resolution]

    def prepare(self, metrics: Sequence[str]) -> None:
        """Load what measuring ``metrics`` needs (weights, cost tables) now, so that a bad
        checkpoint or a failed download is one error before a search writes anything."""
        self._check([], metrics)
        if any(m in ("macs", "params") for m in metrics):
            self.table(224)
        if any(m.startswith("accuracy") or m == "latency" for m in metrics):
            self.supernet  # noqa: B018 - loads the weights

    # -- measuring --------------------------------------------------------------------------

    def _check(self, configs: Sequence[Mapping[str, Any]], metrics: Sequence[str]) -> np.ndarray:
        unknown = [m for m in metrics if m not in self.metrics]
        if unknown:
            raise ValueError(f"{self.name} cannot measure {unknown}; it measures {list(self.metrics)}")
        needs_data = [m for m in metrics if m.startswith("accuracy")]
        if needs_data and self.data is None:
            raise ValueError(f"{needs_data} need an ImageNet-style dataset folder: pass dataset_path")
        return self.encode(configs)

    @staticmethod
    def _resolution(config: Mapping[str, Any]) -> int:
        r = config.get("r", [224]) if isinstance(config, Mapping) else None
        value = r[0] if isinstance(r, Sequence) and not isinstance(r, str) and len(r) == 1 else r
        if isinstance(value, bool) or not isinstance(value, int) or not 32 <= value <= 1024:
            raise ValueError(f"resolution r must be [pixels] with 32 <= pixels <= 1024, got {r!r}")
        return value

    def exact(self, configs: Sequence[Mapping[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
        """MACs and parameters (int64 arrays) of ``configs`` from the lookup tables."""
        return self._exact(self.encode(configs), configs)

    def exact_rows(self, X: np.ndarray, metrics: Sequence[str]) -> dict[str, np.ndarray]:
        """MACs and params of index rows of :attr:`space` (at its resolution, 224), for the
        LINAS inner loop: no configs are built or parsed."""
        unknown = [m for m in metrics if m not in self.exact_metrics]
        if unknown:
            raise ValueError(
                f"{unknown} are not exact metrics of {self.name}; those are {list(self.exact_metrics)}"
            )
        Xi = self.space._check_rows(X)
        macs, params = self.table(int(self.space.fixed["r"][0])).lookup(
            *self.family.unit_keys(self.space, Xi)
        )
        return {"macs": macs, "params": params}

    def _exact(self, X: np.ndarray, configs: Sequence[Mapping[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
        macs = np.zeros(len(configs), dtype=np.int64)
        params = np.zeros(len(configs), dtype=np.int64)
        res = np.array([self._resolution(c) for c in configs])
        for r in np.unique(res):
            rows = np.flatnonzero(res == r)
            m, p = self.table(int(r)).lookup(*self.family.unit_keys(self.space, X[rows]))
            macs[rows], params[rows] = m, p
        return macs, params

    def latency(self, config: Mapping[str, Any]) -> LatencyReport:
        """Latency of ``config``'s sub-network with the settings' protocol."""
        r = self._resolution(config)
        s = self.settings
        report = measure_latency(
            self.subnet(config),
            torch.zeros(1, 3, r, r),
            device=s.device,
            batch_size=s.latency_batch_size,
            warmup=s.latency_warmup,
            repeats=s.latency_repeats,
        )
        self.latency_reports.append(report)
        return report

    def accuracy(self, config: Mapping[str, Any]) -> dict[int, float]:
        """Top-1 and top-5 accuracy (%) after BatchNorm recalibration."""
        if self.data is None:
            raise ValueError("accuracy needs an ImageNet-style dataset folder: pass dataset_path")
        r = self._resolution(config)
        device = self.settings.device
        net = recalibrate_bn(self.subnet(config), self.data.bn_loader(r), device)
        return evaluate_accuracy(net, self.data.val_loader(r), device, topk=(1, 5))

    def measure(self, configs: list[dict], metrics: list[str]) -> list[dict[str, float]]:
        """Measure ``metrics`` of every config.

        Args:
            configs: configs as the results file writes them.
            metrics: names from :attr:`metrics`.

        Returns:
            One dict per config: metric -> value (MACs and params as exact integers, latency in
            milliseconds (median), accuracy in percent).
        """
        X = self._check(configs, metrics)
        out: list[dict[str, float]] = [{} for _ in configs]
        if any(m in ("macs", "params") for m in metrics):
            macs, params = self._exact(X, configs)
            for row, m, p in zip(out, macs, params, strict=True):
                if "macs" in metrics:
                    row["macs"] = int(m)
                if "params" in metrics:
                    row["params"] = int(p)
        for row, config in zip(out, configs, strict=True):
            if "latency" in metrics:
                row["latency"] = self.latency(config).median_ms
            if "accuracy_top1" in metrics or "accuracy_top5" in metrics:
                acc = self.accuracy(config)
                for k in (1, 5):
                    if f"accuracy_top{k}" in metrics:
                        row[f"accuracy_top{k}"] = acc[k]
        return out


def load_ofa(spec: SupernetSpec, **options: Any) -> OFAEvaluator:
    """Build the evaluator of an OFA supernet; unknown options raise one error naming the valid ones."""
    return build_evaluator(OFAEvaluator, OFASettings, spec, options)
