"""What the Transformer evaluators share: their common settings, building from options, and
the measuring loop (exact MACs/params in closed form, latency and quality on the sub-network)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .devices import check_device
from .layered import gene_values
from .measure import LatencyReport
from .registry import SupernetSpec

__all__ = ["CommonSettings", "SupernetEvaluator", "build_evaluator"]


@dataclass(frozen=True)
class CommonSettings:
    """Settings every supernet evaluator takes (the options ``dynast-lite search`` passes).

    Attributes:
        checkpoint: local weights file of the supernet.
        pretrained: False: randomly initialised weights (seeded), for tests and for MACs,
            params and latency, which do not depend on weight values.
        dataset_path: the validation data (each supernet says what it expects).
        device: torch device for quality and latency (``cpu``, ``cuda``, ``cuda:1``).
        batch_size: validation batch size.
        test_fraction: share of the validation data used (a seeded subset when below 1).
        num_workers: data-loader workers where a loader is used.
        latency_batch_size, latency_warmup, latency_repeats: latency protocol.
        cache_dir: where downloaded or derived files are kept.
        seed: seeds random weights and data subsets.
    """

    checkpoint: str | None = None
    pretrained: bool = True
    dataset_path: str | None = None
    device: str = "cpu"
    batch_size: int = 32
    test_fraction: float = 1.0
    num_workers: int = 0
    latency_batch_size: int = 1
    latency_warmup: int = 10
    latency_repeats: int = 50
    cache_dir: str | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if self.checkpoint is not None and not Path(self.checkpoint).is_file():
            raise ValueError(f"checkpoint {self.checkpoint} does not exist")
        if self.dataset_path is not None and not Path(self.dataset_path).exists():
            raise ValueError(f"dataset path {self.dataset_path} does not exist")
        check_device(self.device)
        if not 0.0 < self.test_fraction <= 1.0:
            raise ValueError(f"test_fraction must be in (0, 1], got {self.test_fraction}")
        for name in ("batch_size", "latency_batch_size", "latency_repeats"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.latency_warmup < 0 or self.num_workers < 0:
            raise ValueError("latency_warmup and num_workers must be >= 0")


def build_evaluator(
    evaluator_cls: type, settings_cls: type, spec: SupernetSpec, options: Mapping[str, Any]
) -> Any:
    """``evaluator_cls(spec, settings_cls(**options))``; unknown options are one error naming
    the valid ones."""
    valid = [f.name for f in dataclasses.fields(settings_cls)]
    unknown = sorted(set(options) - set(valid))
    if unknown:
        raise ValueError(f"unknown options {unknown} for {spec.name}; valid options are {valid}")
    return evaluator_cls(spec, settings_cls(**options))


class SupernetEvaluator:
    """The measuring loop of an evaluator whose MACs and params have a closed form.

    Subclasses give :meth:`costs` (MACs and params of gene values), :meth:`latency` and
    :meth:`quality` (the accuracy-like metrics of one config) and may extend :meth:`prepare`.

    Attributes:
        name, space, metrics, exact_metrics, default_inner_evals: as every evaluator.
        quality_metrics: the metrics :meth:`quality` gives (e.g. ``bleu``).
        latency_reports: the full :class:`LatencyReport` of each latency measured, in order.
    """

    quality_metrics: tuple[str, ...] = ()

    def __init__(self, spec: SupernetSpec, settings: CommonSettings):
        self.spec, self.settings = spec, settings
        self.name = spec.name
        self.space = spec.search_space()
        self.metrics = tuple(spec.metrics)
        self.exact_metrics = tuple(spec.exact_metrics)
        self.default_inner_evals = spec.default_inner_evals
        self.latency_reports: list[LatencyReport] = []

    # -- to give ----------------------------------------------------------------------------------

    def costs(self, values: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def latency(self, config: Mapping[str, Any]) -> LatencyReport:
        raise NotImplementedError

    def quality(self, config: Mapping[str, Any], metrics: Sequence[str]) -> dict[str, float]:
        raise NotImplementedError

    def prepare(self, metrics: Sequence[str]) -> None:
        """Load what measuring ``metrics`` needs now, so a bad checkpoint or dataset is one
        error before a search writes anything."""
        self._check(metrics)

    # -- shared -----------------------------------------------------------------------------------

    def _check(self, metrics: Sequence[str]) -> None:
        unknown = [m for m in metrics if m not in self.metrics]
        if unknown:
            raise ValueError(f"{self.name} cannot measure {unknown}; it measures {list(self.metrics)}")

    def encode(self, configs: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """Index rows of ``configs``; one clear error for a config outside the space."""
        return self.space.encode(list(configs))

    def exact(self, configs: Sequence[Mapping[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
        """MACs and parameters (int64 arrays) of ``configs``, in closed form."""
        return self.costs(gene_values(self.space, self.encode(configs)))

    def exact_rows(self, X: np.ndarray, metrics: Sequence[str]) -> dict[str, np.ndarray]:
        """MACs and params of index rows of :attr:`space`, for the LINAS inner loop."""
        unknown = [m for m in metrics if m not in self.exact_metrics]
        if unknown:
            raise ValueError(
                f"{unknown} are not exact metrics of {self.name}; those are {list(self.exact_metrics)}"
            )
        macs, params = self.costs(gene_values(self.space, self.space._check_rows(X)))
        return {"macs": macs, "params": params}

    def measure(self, configs: list[dict], metrics: list[str]) -> list[dict[str, float]]:
        """Measure ``metrics`` of every config: MACs and params exact (int), latency in ms
        (median), the quality metrics in their own units."""
        self._check(metrics)
        X = self.encode(configs)
        out: list[dict[str, float]] = [{} for _ in configs]
        if "macs" in metrics or "params" in metrics:
            macs, params = self.costs(gene_values(self.space, X))
            for row, m, p in zip(out, macs, params, strict=True):
                row.update({k: int(v) for k, v in (("macs", m), ("params", p)) if k in metrics})
        wanted = [m for m in metrics if m in self.quality_metrics]
        for row, config in zip(out, configs, strict=True):
            if "latency" in metrics:
                report = self.latency(config)
                self.latency_reports.append(report)
                row["latency"] = report.median_ms
            if wanted:
                row.update(self.quality(config, wanted))
        return out
