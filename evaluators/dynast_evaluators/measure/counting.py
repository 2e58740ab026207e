"""Exact parameter and multiply-accumulate counts of a PyTorch model.

MACs follow the convention of Once-for-All's ``count_net_flops`` and of DyNAS-T's results files:
convolutions and linear layers only (no bias, BatchNorm, activation or elementwise terms), each
counted from the output it actually produced. The sums are Python integers, so they are exact
(OFA's counter sums in float32 and is off by a few MACs on some configs).
"""

from __future__ import annotations

import math

import torch
from torch import nn

__all__ = ["count_macs", "count_params"]

_CONV = (nn.Conv1d, nn.Conv2d, nn.Conv3d)


def count_params(model: nn.Module) -> int:
    """Number of scalars in every parameter of ``model`` (trainable or not, shared ones once)."""
    return sum(p.numel() for p in model.parameters())


def _layer_macs(module: nn.Module, output: torch.Tensor) -> int:
    if isinstance(module, _CONV):
        per_output = (module.in_channels // module.groups) * math.prod(module.kernel_size)
        return per_output * output.numel()
    # nn.Linear: one in_features-long dot product per output feature
    return module.in_features * output.numel()


@torch.inference_mode()
def count_macs(model: nn.Module, inputs: torch.Tensor) -> int:
    """Multiply-accumulates of one forward pass of ``model`` on ``inputs``.

    Args:
        model: any module; it is run in eval mode and left exactly as it was (hooks removed,
            training flag restored, no statistics updated).
        inputs: the input batch, e.g. shape (1, 3, 224, 224) for the per-image count.

    Returns:
        MACs of every ``nn.Conv*d`` and ``nn.Linear`` call in the pass, as an exact int.
    """
    total = 0

    def hook(module: nn.Module, _inputs: tuple, output: torch.Tensor) -> None:
        nonlocal total
        total += _layer_macs(module, output)

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (*_CONV, nn.Linear))]
    modes = {m: m.training for m in model.modules()}
    try:
        model.eval()
        model(inputs)
    finally:
        for h in handles:
            h.remove()
        for m, mode in modes.items():
            m.training = mode
    return total
