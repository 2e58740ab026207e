"""The elastic CNN supernet on 8x8 digits: a stem, three stages of up to three inverted-residual
blocks (elastic kernel size and expansion ratio per block, depth and channel width per stage, as
in Once-for-All), global pooling and a linear classifier.

Weights are shared as in Once-for-All: a smaller kernel is the centre of the largest one, a
smaller expansion or width takes the first channels, a shallower stage runs its first blocks.
The stem has the width of the first stage, whose first block adds its input to its output. A
sub-network is cut out as a real, smaller model (:meth:`ElasticCNN.extract`), so its latency,
MACs and parameters are those of what would be deployed; :func:`exact_costs` gives its MACs
and parameters in closed form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .space import BLOCKS_PER_STAGE, DEPTHS, EXPANDS, KERNELS, WIDTHS

__all__ = ["IMAGE_SIZE", "N_CLASSES", "STAGES", "ElasticCNN", "channels", "exact_costs"]

IMAGE_SIZE = 8
N_CLASSES = 10
#: (largest output channels, stride of the stage's first block)
STAGES = ((16, 1), (32, 2), (64, 2))
N_BLOCKS = len(STAGES) * BLOCKS_PER_STAGE


def channels(stage: int, width: float) -> int:
    """Channels of ``stage`` at width multiplier ``width``."""
    return int(round(STAGES[stage][0] * width))


def _bn(bn: nn.BatchNorm2d, x: torch.Tensor, c: int) -> torch.Tensor:
    """BatchNorm over the first ``c`` channels of ``bn`` (running statistics sliced in place)."""
    return F.batch_norm(
        x,
        bn.running_mean[:c],
        bn.running_var[:c],
        bn.weight[:c],
        bn.bias[:c],
        bn.training,
        bn.momentum,
        bn.eps,
    )


def _copy_bn(src: nn.BatchNorm2d, dst: nn.BatchNorm2d, c: int) -> None:
    for attr in ("weight", "bias", "running_mean", "running_var"):
        getattr(dst, attr).copy_(getattr(src, attr)[:c])
    dst.num_batches_tracked.copy_(src.num_batches_tracked)


class MBBlock(nn.Module):
    """A stand-alone inverted-residual block: 1x1 expansion, k x k depthwise, 1x1 projection,
    each followed by BatchNorm (ReLU after the first two); identity shortcut when shapes allow."""

    def __init__(self, cin: int, cout: int, stride: int, kernel: int, mid: int):
        super().__init__()
        self.expand = nn.Conv2d(cin, mid, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(mid)
        self.depthwise = nn.Conv2d(mid, mid, kernel, stride, padding=kernel // 2, groups=mid, bias=False)
        self.bn2 = nn.BatchNorm2d(mid)
        self.project = nn.Conv2d(mid, cout, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(cout)
        self.residual = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.relu(self.bn1(self.expand(x)))
        h = F.relu(self.bn2(self.depthwise(h)))
        h = self.bn3(self.project(h))
        return h + x if self.residual else h


class ElasticBlock(nn.Module):
    """The largest block (kernel 5, expansion 4, full width); runs as any smaller one."""

    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.stride = stride
        self.full = MBBlock(cin, cout, stride, max(KERNELS), cin * max(EXPANDS))
        # the first block of a stage changes the channel count; the others add their input
        self.residual = self.full.residual

    def _kernel(self, k: int, mid: int) -> torch.Tensor:
        off = (max(KERNELS) - k) // 2
        return self.full.depthwise.weight[:mid, :, off : off + k, off : off + k]

    def forward(self, x: torch.Tensor, k: int, e: int, cout: int) -> torch.Tensor:
        b, cin = self.full, x.shape[1]
        mid = cin * e
        h = F.relu(_bn(b.bn1, F.conv2d(x, b.expand.weight[:mid, :cin]), mid))
        h = F.conv2d(h, self._kernel(k, mid), stride=self.stride, padding=k // 2, groups=mid)
        h = F.relu(_bn(b.bn2, h, mid))
        h = _bn(b.bn3, F.conv2d(h, b.project.weight[:cout, :mid]), cout)
        return h + x if self.residual else h

    @torch.no_grad()
    def extract(self, cin: int, k: int, e: int, cout: int) -> MBBlock:
        """The block at these sizes as a stand-alone copy of its weights."""
        mid = cin * e
        out = MBBlock(cin, cout, self.stride, k, mid)
        out.expand.weight.copy_(self.full.expand.weight[:mid, :cin])
        out.depthwise.weight.copy_(self._kernel(k, mid))
        out.project.weight.copy_(self.full.project.weight[:cout, :mid])
        for name, c in (("bn1", mid), ("bn2", mid), ("bn3", cout)):
            _copy_bn(getattr(self.full, name), getattr(out, name), c)
        return out


class DigitsSubnet(nn.Module):
    """A sub-network as deployed: stem, the blocks that run, pooling, classifier."""

    def __init__(self, stem: nn.Module, blocks: Sequence[nn.Module], classifier: nn.Linear):
        super().__init__()
        self.stem = stem
        self.blocks = nn.Sequential(*blocks)
        self.classifier = classifier

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.blocks(self.stem(x)).mean(dim=(2, 3)))


class ElasticCNN(nn.Module):
    """The supernet. ``forward(x, config)`` runs the sub-network of ``config`` (default: the
    largest) with shared weights; :meth:`extract` cuts it out."""

    def __init__(self) -> None:
        super().__init__()
        first = STAGES[0][0]
        self.stem_conv = nn.Conv2d(1, first, 3, padding=1, bias=False)
        self.stem_bn = nn.BatchNorm2d(first)
        blocks, cin = [], first
        for cout, stride in STAGES:
            for j in range(BLOCKS_PER_STAGE):
                blocks.append(ElasticBlock(cin, cout, stride if j == 0 else 1))
                cin = cout
        self.blocks = nn.ModuleList(blocks)
        self.classifier = nn.Linear(STAGES[-1][0], N_CLASSES)

    @staticmethod
    def largest() -> dict[str, list]:
        n, s = N_BLOCKS, len(STAGES)
        return {
            "ks": [max(KERNELS)] * n,
            "e": [max(EXPANDS)] * n,
            "d": [max(DEPTHS)] * s,
            "w": [max(WIDTHS)] * s,
        }

    @staticmethod
    def smallest() -> dict[str, list]:
        n, s = N_BLOCKS, len(STAGES)
        return {
            "ks": [min(KERNELS)] * n,
            "e": [min(EXPANDS)] * n,
            "d": [min(DEPTHS)] * s,
            "w": [min(WIDTHS)] * s,
        }

    @staticmethod
    def plan(config: Mapping[str, Any]) -> list[tuple[int, int, int, int, int]]:
        """(block index, input channels, kernel, expansion, output channels) of each block that
        runs in ``config``, in order."""
        out, cin = [], channels(0, config["w"][0])
        for s, depth in enumerate(config["d"]):
            cout = channels(s, config["w"][s])
            for j in range(depth):
                b = s * BLOCKS_PER_STAGE + j
                out.append((b, cin, config["ks"][b], config["e"][b], cout))
                cin = cout
        return out

    def forward(self, x: torch.Tensor, config: Mapping[str, Any] | None = None) -> torch.Tensor:
        config = self.largest() if config is None else config
        c0 = channels(0, config["w"][0])
        h = F.relu(_bn(self.stem_bn, F.conv2d(x, self.stem_conv.weight[:c0], padding=1), c0))
        for b, _, k, e, cout in self.plan(config):
            h = self.blocks[b](h, k, e, cout)
        c = h.shape[1]
        return F.linear(h.mean(dim=(2, 3)), self.classifier.weight[:, :c], self.classifier.bias)

    @torch.no_grad()
    def extract(self, config: Mapping[str, Any]) -> DigitsSubnet:
        """The stand-alone sub-network of ``config`` with copies of the supernet's weights, in
        eval mode; the supernet is not changed."""
        c0 = channels(0, config["w"][0])
        stem_conv = nn.Conv2d(1, c0, 3, padding=1, bias=False)
        stem_conv.weight.copy_(self.stem_conv.weight[:c0])
        stem_bn = nn.BatchNorm2d(c0)
        _copy_bn(self.stem_bn, stem_bn, c0)
        plan = self.plan(config)
        blocks = [self.blocks[b].extract(cin, k, e, cout) for b, cin, k, e, cout in plan]
        c = plan[-1][4]
        classifier = nn.Linear(c, N_CLASSES)
        classifier.weight.copy_(self.classifier.weight[:, :c])
        classifier.bias.copy_(self.classifier.bias)
        stem = nn.Sequential(stem_conv, stem_bn, nn.ReLU())
        return DigitsSubnet(stem, blocks, classifier).eval()


def exact_costs(ks: np.ndarray, e: np.ndarray, d: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """MACs and parameters in closed form, as ``count_macs`` / ``count_params`` count the
    extracted sub-network at batch 1: convolutions and the classifier (MACs); their weights, the
    classifier's bias and every BatchNorm weight and bias (parameters).

    Args:
        ks, e: kernel sizes and expansions, shape (n, 9) (values, not indices).
        d: stage depths, shape (n, 3).
        w: stage width multipliers, shape (n, 3).

    Returns:
        int64 arrays (n,): MACs and parameters.
    """
    n = ks.shape[0]
    width = np.column_stack([np.rint(STAGES[s][0] * w[:, s]) for s in range(len(STAGES))]).astype(np.int64)
    c0 = width[:, 0]
    macs = c0 * 9 * IMAGE_SIZE**2 + width[:, -1] * N_CLASSES
    params = c0 * 9 + 2 * c0 + width[:, -1] * N_CLASSES + N_CLASSES
    cin, side = c0, np.full(n, IMAGE_SIZE)
    for s, (_, stride) in enumerate(STAGES):
        cout = width[:, s]
        for j in range(BLOCKS_PER_STAGE):
            b = s * BLOCKS_PER_STAGE + j
            on = j < d[:, s]
            step = stride if j == 0 else 1
            out_side = side // step
            k, mid = ks[:, b].astype(np.int64), cin * e[:, b].astype(np.int64)
            block_macs = cin * mid * side**2 + mid * k * k * out_side**2 + mid * cout * out_side**2
            block_params = cin * mid + mid * k * k + mid * cout + 2 * (2 * mid + cout)
            macs += np.where(on, block_macs, 0)
            params += np.where(on, block_params, 0)
            cin, side = np.where(on, cout, cin), np.where(on, out_side, side)
    return macs, params
