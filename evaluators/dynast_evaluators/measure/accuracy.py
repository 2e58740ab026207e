"""Accuracy of a classifier over a data loader, and BatchNorm recalibration of a sub-network.

A sub-network cut from a supernet inherits BatchNorm statistics gathered over the whole
supernet; they must be recomputed over a few thousand training images before it is validated.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence

import torch
from torch import nn

__all__ = ["evaluate_accuracy", "recalibrate_bn"]

_BN = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)


def recalibrate_bn(model: nn.Module, batches: Iterable, device: str | torch.device = "cpu") -> nn.Module:
    """A copy of ``model`` whose BatchNorm statistics are the averages over ``batches``.

    Every BatchNorm layer forgets its running statistics and accumulates an equal-weight
    average of the batch means and (unbiased) batch variances seen while the copy runs over the
    data; nothing else changes (dropout stays off, no gradient).

    Args:
        model: the network; not modified.
        batches: iterable of ``(images, labels)`` or of image tensors.
        device: where to run.

    Returns:
        The recalibrated copy, in eval mode, on ``device``.
    """
    net = copy.deepcopy(model).to(device).eval()
    bns = [m for m in net.modules() if isinstance(m, _BN)]
    if not bns:
        return net
    saved_momentum = [m.momentum for m in bns]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None  # cumulative average over the batches
        m.train()
    seen = 0
    with torch.no_grad():
        for batch in batches:
            images = batch[0] if isinstance(batch, (list, tuple)) else batch
            net(images.to(device))
            seen += 1
    if seen == 0:
        raise ValueError("BatchNorm recalibration got no batches of images")
    for m, momentum in zip(bns, saved_momentum, strict=True):
        m.momentum = momentum
        m.eval()
    return net


def evaluate_accuracy(
    model: nn.Module, batches: Iterable, device: str | torch.device = "cpu", topk: Sequence[int] = (1, 5)
) -> dict[int, float]:
    """Top-k accuracy (%) of ``model`` over every sample of ``batches``.

    Args:
        model: the classifier; run in eval mode on a copy when it must move device.
        batches: iterable of ``(images, labels)``; every sample counts (no batch is dropped).
        device: where to run.
        topk: the k values; a k above the number of classes counts every sample as correct.

    Returns:
        ``{k: accuracy in percent}``.
    """
    device = torch.device(device)
    params = next(model.parameters(), None)
    net = model if params is None or params.device == device else copy.deepcopy(model).to(device)
    was_training = net.training
    net.eval()
    correct = dict.fromkeys(topk, 0)
    total = 0
    try:
        with torch.inference_mode():
            for images, labels in batches:
                logits = net(images.to(device))
                labels = labels.to(device)
                k_max = min(max(topk), logits.shape[1])
                top = logits.topk(k_max, dim=1).indices
                hit = top == labels[:, None]
                for k in topk:
                    correct[k] += int(hit[:, : min(k, k_max)].any(dim=1).sum())
                total += int(labels.shape[0])
    finally:
        net.train(was_training)
    if total == 0:
        raise ValueError("accuracy needs at least one labelled sample, got none")
    return {k: 100.0 * correct[k] / total for k in topk}
