"""The evaluator of ``elastic_cnn_digits``: exact MACs/params in closed form, latency and top-1
of the real sub-network after BatchNorm recalibration, and the supernet trained once and cached.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..evaluator_base import CommonSettings, build_evaluator
from ..measure import LatencyReport, evaluate_accuracy, measure_latency, recalibrate_bn
from ..registry import SupernetSpec
from ..storage import default_cache_dir, load_state, read_state_dict
from .data import SPLIT_SEED, VAL_FRACTION, DigitsSplit, load_split
from .network import IMAGE_SIZE, STAGES, ElasticCNN, exact_costs
from .space import DIGITS_SPEC
from .train import TrainSettings, train_supernet

__all__ = ["DigitsEvaluator", "DigitsSettings", "load_digits", "trained_supernet"]

log = logging.getLogger("dynast_evaluators.digits")

#: bump when the network or the cache layout changes: older cache entries are then ignored
CACHE_FORMAT = 1


@dataclass(frozen=True)
class DigitsSettings(CommonSettings):
    """How the digits evaluator gets its weights and measures (and see
    :class:`~dynast_evaluators.evaluator_base.CommonSettings`).

    Attributes:
        checkpoint: a state dict of :class:`ElasticCNN` (e.g. trained with other settings);
            None: train once with ``train_epochs`` and cache it.
        dataset_path: not used: the data ship with scikit-learn. Giving one is an error.
        batch_size: validation batch size.
        num_workers: accepted for DyNAS-T's ``--dataloader_workers``; the data are in memory.
        latency_warmup, latency_repeats: 5 + 20 passes: the sub-networks take milliseconds,
            and 100 of them are measured in a minute.
        cache_dir: where the trained supernet is kept (default ``~/.cache/dynast-lite``).
        seed: seeds the recalibration and test subsets (and random weights).
        bn_images, bn_batch_size: BatchNorm-recalibration subset of the training split.
        train_epochs: epochs of the one-off training (see :class:`TrainSettings`).
    """

    batch_size: int = 128
    latency_warmup: int = 5
    latency_repeats: int = 20
    bn_images: int = 500
    bn_batch_size: int = 250
    train_epochs: int = TrainSettings.epochs

    def __post_init__(self) -> None:
        if self.dataset_path is not None:
            raise ValueError(
                f"elastic_cnn_digits uses scikit-learn's bundled digits; it takes no dataset path "
                f"(got {self.dataset_path!r})"
            )
        super().__post_init__()
        for name in ("bn_images", "bn_batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        TrainSettings(epochs=self.train_epochs)


def _cache_key(settings: TrainSettings) -> str:
    described = {
        "format": CACHE_FORMAT,
        "stages": STAGES,
        "space": DIGITS_SPEC,
        "split": [SPLIT_SEED, VAL_FRACTION],
        "train": dataclasses.asdict(settings),
        "torch": torch.__version__.split("+")[0],
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:16]


def trained_supernet(
    split: DigitsSplit, settings: TrainSettings, cache_dir: str | os.PathLike
) -> tuple[ElasticCNN, Path]:
    """The supernet trained with ``settings``: from the cache, else trained now and cached with
    its training settings beside it (written atomically; a damaged entry is retrained).

    Returns:
        The supernet (eval mode) and its weights file.
    """
    folder = Path(cache_dir) / "digits"
    path = folder / f"elastic_cnn_digits-{_cache_key(settings)}.pt"
    net = ElasticCNN()
    if path.is_file():
        try:
            load_state(net, read_state_dict(path), path, "elastic_cnn_digits")
            return net.eval(), path
        except ValueError as err:
            log.warning("retraining: the cached supernet %s is unreadable (%s)", path, err)
    log.info(
        "training the elastic_cnn_digits supernet once (%d epochs; under a minute on 2 cores); "
        "it is cached in %s",
        settings.epochs,
        folder,
    )
    start = time.perf_counter()
    net = train_supernet(split, settings)
    seconds = time.perf_counter() - start
    log.info("trained in %.0f s", seconds)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    torch.save(net.state_dict(), tmp)
    os.replace(tmp, path)
    info = {"train": dataclasses.asdict(settings), "seconds": round(seconds, 1), "torch": torch.__version__}
    path.with_suffix(".json").write_text(json.dumps(info, indent=2))
    return net, path


class DigitsEvaluator:
    """Measures configs of ``elastic_cnn_digits``.

    Attributes:
        name, space, metrics, exact_metrics, default_inner_evals: as every evaluator.
        latency_reports: the full :class:`LatencyReport` of each latency measured, in order.
        weights_file: where the trained weights came from (None for random weights).
    """

    def __init__(self, spec: SupernetSpec, settings: DigitsSettings):
        self.spec, self.settings = spec, settings
        self.name = spec.name
        self.space = spec.search_space()
        self.metrics = tuple(spec.metrics)
        self.exact_metrics = tuple(spec.exact_metrics)
        self.default_inner_evals = spec.default_inner_evals
        self.cache_dir = Path(settings.cache_dir) if settings.cache_dir else default_cache_dir()
        self.latency_reports: list[LatencyReport] = []
        self.weights_file: Path | None = None
        self._split: DigitsSplit | None = None
        self._net: ElasticCNN | None = None

    @property
    def split(self) -> DigitsSplit:
        if self._split is None:
            self._split = load_split()
        return self._split

    @property
    def supernet(self) -> ElasticCNN:
        """The supernet with its weights (trained, or read from the cache, on first need)."""
        if self._net is None:
            s = self.settings
            if s.checkpoint is not None:
                net = ElasticCNN()
                load_state(net, read_state_dict(Path(s.checkpoint)), Path(s.checkpoint), self.name)
                self._net, self.weights_file = net.eval(), Path(s.checkpoint)
            elif s.pretrained:
                train = TrainSettings(epochs=s.train_epochs)
                self._net, self.weights_file = trained_supernet(self.split, train, self.cache_dir)
            else:
                with torch.random.fork_rng(devices=[]):
                    torch.manual_seed(s.seed)
                    self._net = ElasticCNN().eval()
        return self._net

    def prepare(self, metrics: Sequence[str]) -> None:
        """Train or load the supernet now when ``metrics`` need it (accuracy, latency), so that
        a search's progress starts with the first validation."""
        if any(m.startswith("accuracy") or m == "latency" for m in metrics):
            self.supernet  # noqa: B018 - trains or loads the weights

    def encode(self, configs: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """Index rows of ``configs``; one clear error for a config outside the space."""
        return self.space.encode(list(configs))

    def subnet(self, config: Mapping[str, Any]) -> torch.nn.Module:
        """The stand-alone sub-network of ``config`` (eval mode)."""
        self.encode([config])
        return self.supernet.extract(config)

    def exact(self, configs: Sequence[Mapping[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
        """MACs and parameters (int64) of ``configs``, in closed form."""
        return self._exact(self.encode(configs))

    def exact_rows(self, X: np.ndarray, metrics: Sequence[str]) -> dict[str, np.ndarray]:
        """MACs and params of index rows of :attr:`space`, for the LINAS inner loop."""
        unknown = [m for m in metrics if m not in self.exact_metrics]
        if unknown:
            raise ValueError(
                f"{unknown} are not exact metrics of {self.name}; those are {list(self.exact_metrics)}"
            )
        macs, params = self._exact(self.space._check_rows(X))
        return {"macs": macs, "params": params}

    def _exact(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        Xi = X.astype(np.int64)
        values = {}
        for p, name in enumerate(self.space.names):
            cols = Xi[:, self.space._offsets[p] : self.space._offsets[p + 1]]
            values[name] = np.asarray(self.space.choices[p])[cols]
        return exact_costs(values["ks"], values["e"], values["d"], values["w"])

    def _batches(self, x: torch.Tensor, y: torch.Tensor | None, size: int) -> list:
        return [(x[i : i + size], None if y is None else y[i : i + size]) for i in range(0, len(x), size)]

    def _subset(self, n_total: int, n: int, salt: int) -> torch.Tensor:
        gen = torch.Generator().manual_seed(self.settings.seed * 1_000_003 + salt)
        return torch.randperm(n_total, generator=gen)[:n].sort().values

    def recalibrated_subnet(self, config: Mapping[str, Any]) -> torch.nn.Module:
        """``config``'s sub-network, its BatchNorm statistics recalibrated on the seeded subset
        of the training split, in eval mode on the settings' device."""
        s, split = self.settings, self.split
        bn = self._subset(len(split.y_train), min(s.bn_images, len(split.y_train)), salt=1)
        bn_batches = [b for b, _ in self._batches(split.x_train[bn], None, s.bn_batch_size)]
        return recalibrate_bn(self.subnet(config), bn_batches, s.device)

    def accuracy(self, config: Mapping[str, Any]) -> dict[int, float]:
        """Top-1 and top-5 accuracy (%) on the validation split after BatchNorm recalibration on
        a seeded subset of the training split."""
        s, split = self.settings, self.split
        net = self.recalibrated_subnet(config)
        x, y = split.x_val, split.y_val
        if s.test_fraction < 1.0:
            keep = self._subset(len(y), max(1, round(s.test_fraction * len(y))), salt=2)
            x, y = x[keep], y[keep]
        return evaluate_accuracy(net, self._batches(x, y, s.batch_size), s.device, topk=(1, 5))

    def latency(self, config: Mapping[str, Any]) -> LatencyReport:
        """Latency of ``config``'s sub-network with the settings' protocol."""
        s = self.settings
        report = measure_latency(
            self.subnet(config),
            torch.zeros(1, 1, IMAGE_SIZE, IMAGE_SIZE),
            device=s.device,
            batch_size=s.latency_batch_size,
            warmup=s.latency_warmup,
            repeats=s.latency_repeats,
        )
        self.latency_reports.append(report)
        return report

    def measure(self, configs: list[dict], metrics: list[str]) -> list[dict[str, float]]:
        """Measure ``metrics`` of every config: MACs and params exact (int), latency in ms
        (median), accuracy in percent."""
        unknown = [m for m in metrics if m not in self.metrics]
        if unknown:
            raise ValueError(f"{self.name} cannot measure {unknown}; it measures {list(self.metrics)}")
        X = self.encode(configs)
        out: list[dict[str, float]] = [{} for _ in configs]
        if "macs" in metrics or "params" in metrics:
            macs, params = self._exact(X)
            for row, m, p in zip(out, macs, params, strict=True):
                row.update({k: int(v) for k, v in (("macs", m), ("params", p)) if k in metrics})
        for row, config in zip(out, configs, strict=True):
            if "latency" in metrics:
                row["latency"] = self.latency(config).median_ms
            if "accuracy_top1" in metrics or "accuracy_top5" in metrics:
                acc = self.accuracy(config)
                row.update({f"accuracy_top{k}": acc[k] for k in (1, 5) if f"accuracy_top{k}" in metrics})
        return out


def load_digits(spec: SupernetSpec, **options: Any) -> DigitsEvaluator:
    """Build the digits evaluator; unknown options raise one error naming the valid ones."""
    return build_evaluator(DigitsEvaluator, DigitsSettings, spec, options)
