"""Latency of a model: warmed up, synchronised on GPUs, reported as a median with its spread."""

from __future__ import annotations

import copy
import time
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

__all__ = ["LatencyReport", "measure_latency"]


@dataclass(frozen=True)
class LatencyReport:
    """One latency measurement and the conditions it was taken in.

    Attributes:
        median_ms: median time of one forward pass of the batch (milliseconds).
        p10_ms, p90_ms: 10th and 90th percentiles of the repeats (milliseconds).
        mean_ms, std_ms: mean and standard deviation of the repeats (milliseconds).
        repeats, warmup: timed and untimed passes.
        batch_size: images per pass.
        device: where the model ran (``cpu``, ``cuda:0``).
        dtype: parameter dtype of the model as run.
        threads: torch intra-op threads (CPU runs).
    """

    median_ms: float
    p10_ms: float
    p90_ms: float
    mean_ms: float
    std_ms: float
    repeats: int
    warmup: int
    batch_size: int
    device: str
    dtype: str
    threads: int

    def to_dict(self) -> dict:
        return asdict(self)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def measure_latency(
    model: nn.Module,
    inputs: torch.Tensor,
    device: str | torch.device = "cpu",
    batch_size: int | None = None,
    warmup: int = 10,
    repeats: int = 50,
) -> LatencyReport:
    """Time forward passes of ``model`` under ``torch.inference_mode``.

    The caller's model is not touched: a copy is moved to ``device`` and put in eval mode.

    Args:
        model: the network.
        inputs: an input batch (first dimension is the batch); its first sample is repeated to
            ``batch_size`` rows when that is given.
        device: where to run.
        batch_size: images per pass (default: ``inputs``' own batch).
        warmup: untimed passes first (lazy initialisation, caches, clocks).
        repeats: timed passes, each synchronised on CUDA before and after.

    Returns:
        A :class:`LatencyReport`.
    """
    if repeats < 1 or warmup < 0:
        raise ValueError(f"need repeats >= 1 and warmup >= 0, got repeats={repeats}, warmup={warmup}")
    device = torch.device(device)
    if batch_size is not None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        inputs = inputs[:1].expand(batch_size, *inputs.shape[1:])
    net = copy.deepcopy(model).to(device).eval()
    dtype = next(net.parameters()).dtype
    # token ids stay integers; images take the model's dtype
    x = inputs.to(device=device, dtype=dtype if inputs.is_floating_point() else inputs.dtype).contiguous()
    times = np.empty(repeats)
    with torch.inference_mode():
        for _ in range(warmup):
            net(x)
        _sync(device)
        for i in range(repeats):
            _sync(device)
            start = time.perf_counter()
            net(x)
            _sync(device)
            times[i] = (time.perf_counter() - start) * 1e3
    return LatencyReport(
        median_ms=float(np.median(times)),
        p10_ms=float(np.percentile(times, 10)),
        p90_ms=float(np.percentile(times, 90)),
        mean_ms=float(times.mean()),
        std_ms=float(times.std()),
        repeats=repeats,
        warmup=warmup,
        batch_size=int(x.shape[0]),
        device=str(device),
        dtype=str(dtype).removeprefix("torch."),
        threads=torch.get_num_threads(),
    )
