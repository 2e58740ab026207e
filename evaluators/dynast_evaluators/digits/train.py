"""Training the digits supernet once with weight sharing: the sandwich rule with in-place
distillation (Yu et al. 2019, BigNAS 2020).

Each step trains the largest sub-network on the labels, then the smallest and a few random
ones on the largest one's predictions, and updates the shared weights with the summed
gradients, so every sub-network is trained at once.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .data import DigitsSplit
from .network import ElasticCNN
from .space import DigitsSpace

__all__ = ["TrainSettings", "train_supernet"]

log = logging.getLogger("dynast_evaluators.digits")


@dataclass(frozen=True)
class TrainSettings:
    """How the supernet is trained (part of its cache key).

    Attributes:
        epochs: passes over the training set.
        batch_size: images per step.
        lr: peak learning rate of SGD with Nesterov momentum 0.9, cosine-annealed to 0.
        weight_decay: L2 penalty on every weight.
        random_subnets: random sub-networks per step besides the largest and smallest.
        shift: random translation of each training image by up to this many pixels.
        seed: seeds the initial weights, the batches and the sampled sub-networks.
    """

    epochs: int = 30
    batch_size: int = 64
    lr: float = 0.1
    weight_decay: float = 5e-5
    random_subnets: int = 2
    shift: int = 1
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"training {name} must be >= 1, got {getattr(self, name)}")


def _shift(x: torch.Tensor, pixels: int, gen: torch.Generator) -> torch.Tensor:
    """Each image moved by a random offset in [-pixels, pixels]^2, edges padded with the
    background (the minimum pixel value)."""
    if pixels == 0:
        return x
    n, _, h, w = x.shape
    padded = F.pad(x, (pixels,) * 4, value=float(x.min()))
    dy = torch.randint(0, 2 * pixels + 1, (n,), generator=gen)
    dx = torch.randint(0, 2 * pixels + 1, (n,), generator=gen)
    rows = (dy[:, None] + torch.arange(h)[None, :])[:, None, :, None].expand(n, 1, h, w + 2 * pixels)
    cropped = padded.gather(2, rows)
    cols = (dx[:, None] + torch.arange(w)[None, :])[:, None, None, :].expand(n, 1, h, w)
    return cropped.gather(3, cols)


def train_supernet(split: DigitsSplit, settings: TrainSettings) -> ElasticCNN:
    """A supernet trained on ``split``'s training images with ``settings``.

    Returns:
        The trained supernet in eval mode (its BatchNorm statistics are those of training; a
        sub-network is recalibrated before it is validated).
    """
    torch.manual_seed(settings.seed)
    gen = torch.Generator().manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    space = DigitsSpace()
    # channels-last runs the small depthwise convolutions about 3x faster on CPUs
    net = ElasticCNN().train().to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(
        net.parameters(), lr=settings.lr, momentum=0.9, nesterov=True, weight_decay=settings.weight_decay
    )
    n = split.x_train.shape[0]
    steps = settings.epochs * -(-n // settings.batch_size)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    start = time.perf_counter()
    for epoch in range(settings.epochs):
        order = torch.randperm(n, generator=gen)
        total = 0.0
        for s in range(0, n, settings.batch_size):
            idx = order[s : s + settings.batch_size]
            x = _shift(split.x_train[idx], settings.shift, gen).contiguous(memory_format=torch.channels_last)
            y = split.y_train[idx]
            opt.zero_grad(set_to_none=True)
            logits = net(x)
            loss = F.cross_entropy(logits, y)
            loss.backward()
            total += float(loss.detach()) * len(idx)
            soft = logits.detach().softmax(dim=1)
            others = [net.smallest(), *space.decode(space.sample(settings.random_subnets, rng))]
            for config in others:
                F.cross_entropy(net(x, config), soft).backward()
            opt.step()
            sched.step()
        log.debug(
            "training elastic_cnn_digits: epoch %d/%d, loss %.4f (%.0f s)",
            epoch + 1,
            settings.epochs,
            total / n,
            time.perf_counter() - start,
        )
    return net.eval().to(memory_format=torch.contiguous_format)
