"""Checking a torch device name against what this machine has."""

from __future__ import annotations

import torch

__all__ = ["check_device"]


def check_device(device: str) -> None:
    """One ``ValueError`` naming the device and what exists, if ``device`` cannot be used here
    (an unknown name, CUDA on a machine without it, a GPU index past the last one)."""
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as err:
        raise ValueError(f"unknown device {device!r}: {err}") from None
    if dev.type == "cpu":
        return
    if dev.type == "cuda":
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if count == 0:
            raise ValueError(f"device {device!r} is not available: this machine has no CUDA device; use cpu")
        if dev.index is not None and dev.index >= count:
            raise ValueError(
                f"device {device!r} is not available: this machine has {count} CUDA device(s), "
                f"cuda:0 to cuda:{count - 1}"
            )
        return
    backend = getattr(torch.backends, dev.type, None)
    available = getattr(backend, "is_available", None)
    if callable(available) and not available():
        raise ValueError(f"device {device!r} is not available on this machine; use cpu")
