"""Once-for-All supernets: building them, activating a config, cutting out the sub-network, and
loading weights from a local checkpoint or OFA's model zoo.

Each family says which parts of the network a config's genes touch (``units``), so that
:mod:`.tables` can profile those parts one by one and add their MACs and parameters up.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from ofa.imagenet_classification.elastic_nn.networks import OFAMobileNetV3, OFAProxylessNASNets, OFAResNets
from ofa.utils.layers import IdentityLayer, ResidualBlock
from torch import nn

from ..registry import SupernetSpec
from ..storage import default_cache_dir, download, load_state, read_state_dict
from .spaces import RESNET50_BASE_DEPTHS

__all__ = ["FAMILIES", "Family", "Unit", "build_supernet", "default_cache_dir", "load_weights"]


@dataclass(frozen=True)
class Unit:
    """A part of the network whose cost depends on a few genes only.

    Attributes:
        variants: key -> (a function building that variant as a stand-alone module, the number
            of input channels it takes).
        input_shape: shape of its input at batch 1 in the largest sub-network, e.g.
            (1, 40, 28, 28); a variant replaces the channel count (dimension 1) with its own.
    """

    variants: Mapping[int, tuple[Callable[[], nn.Module], int]]
    input_shape: tuple[int, ...]

    def inputs(self, key: int) -> torch.Tensor:
        """Zeros shaped as variant ``key``'s input."""
        return torch.zeros((1, self.variants[key][1], *self.input_shape[2:]))


def _spatial_inputs(net: nn.Module, modules: list[nn.Module], resolution: int) -> list[tuple[int, ...]]:
    """Input shape of each module during one pass of the largest sub-network."""
    shapes: dict[int, tuple[int, ...]] = {}

    def record(i: int) -> Callable:
        def hook(_module: nn.Module, inputs: tuple, _output: Any) -> None:
            shapes.setdefault(i, tuple(inputs[0].shape))

        return hook

    handles = [m.register_forward_hook(record(i)) for i, m in enumerate(modules)]
    try:
        with torch.inference_mode():
            net.eval()(torch.zeros(1, 3, resolution, resolution))
    finally:
        for h in handles:
            h.remove()
    return [shapes[i] for i in range(len(modules))]


class Family:
    """How one kind of OFA supernet maps configs to networks."""

    def build(self, spec: SupernetSpec) -> nn.Module:
        raise NotImplementedError

    def activate(self, net: nn.Module, config: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def set_largest(self, net: nn.Module) -> None:
        raise NotImplementedError

    def units(self, net: nn.Module, resolution: int) -> list[Unit]:
        raise NotImplementedError

    def unit_keys(self, space, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Variant key of every unit (n, n_units) and whether the unit runs (n, n_units)."""
        raise NotImplementedError

    def extract(self, net: nn.Module, config: Mapping[str, Any]) -> nn.Module:
        """The stand-alone sub-network of ``config``, with the supernet's weights, in eval mode."""
        self.activate(net, config)
        return net.get_active_subnet(preserve_weight=True).eval()


class MobileFamily(Family):
    """MobileNetV3 and ProxylessNAS: a kernel size and expansion per block, a depth per stage."""

    def __init__(self, cls: type):
        self.cls = cls

    def build(self, spec: SupernetSpec) -> nn.Module:
        return self.cls(dropout_rate=0, **spec.build_kwargs)

    def activate(self, net: nn.Module, config: Mapping[str, Any]) -> None:
        depth = list(config["d"])
        # stages past the searched ones (ProxylessNAS's single last block) keep their depth
        depth += [len(g) for g in net.block_group_info[len(depth) :]]
        net.set_active_subnet(ks=list(config["ks"]), e=list(config["e"]), d=depth)

    def set_largest(self, net: nn.Module) -> None:
        net.set_max_net()

    def units(self, net: nn.Module, resolution: int) -> list[Unit]:
        self.set_largest(net)
        blocks = list(net.blocks[1:])
        shapes = _spatial_inputs(net, blocks, resolution)
        units = []
        for block, shape in zip(blocks, shapes, strict=True):
            variants = {}
            for ki, k in enumerate(block.conv.kernel_size_list):
                for ei, e in enumerate(block.conv.expand_ratio_list):
                    variants[ki * 3 + ei] = (self._variant(block, k, e, shape[1]), shape[1])
            units.append(Unit(variants, shape))
        return units

    @staticmethod
    def _variant(block: nn.Module, k: int, e: float, in_channel: int) -> Callable[[], nn.Module]:
        def make() -> nn.Module:
            block.conv.active_kernel_size = k
            block.conv.active_expand_ratio = e
            return ResidualBlock(
                block.conv.get_active_subnet(in_channel, preserve_weight=False),
                copy.deepcopy(block.shortcut),
            )

        return make

    def unit_keys(self, space, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        X = np.asarray(X).astype(np.int64)
        n = space.n_blocks
        ks = X[:, space._offsets[space.names.index("ks")] :][:, :n]
        e = X[:, space._offsets[space.names.index("e")] :][:, :n]
        return ks * 3 + e, space.block_active(X)


class ResNetFamily(Family):
    """OFA ResNet50: stem widths and skip, per-stage width and depth, per-block expansion."""

    def build(self, spec: SupernetSpec) -> nn.Module:
        return OFAResNets(dropout_rate=0, **spec.build_kwargs)

    def activate(self, net: nn.Module, config: Mapping[str, Any]) -> None:
        # DyNAS-T 1.6 passes d as ks (ignored) and w as d, so its ResNet50 widths never change
        # and its depths come from the width genes; here each gene goes where it belongs.
        net.set_active_subnet(d=list(config["d"]), e=list(config["e"]), w=list(config["w"]))

    def set_largest(self, net: nn.Module) -> None:
        net.set_max_net()

    def units(self, net: nn.Module, resolution: int) -> list[Unit]:
        self.set_largest(net)
        stem0, stem1, stem2 = net.input_stem
        blocks = list(net.blocks)
        shapes = _spatial_inputs(net, [stem0, stem1, stem2, *blocks, net.classifier], resolution)
        mid = stem0.out_channel_list
        units = [
            Unit({w0: (self._conv(stem0, w0, 3), 3) for w0 in range(3)}, shapes[0]),
            Unit({w0: (self._stem_block(stem1, mid[w0]), mid[w0]) for w0 in range(3)}, shapes[1]),
            Unit(
                {
                    w0 * 3 + w1: (self._conv(stem2, w1, mid[w0]), mid[w0])
                    for w0 in range(3)
                    for w1 in range(3)
                },
                shapes[2],
            ),
        ]
        in_list = stem2.out_channel_list
        b = 0
        for base in RESNET50_BASE_DEPTHS:
            for pos in range(base + 2):
                block = blocks[b]
                pairs = (
                    [(i, o) for i in range(3) for o in range(3)] if pos == 0 else [(o, o) for o in range(3)]
                )
                variants = {
                    (i * 3 + o) * 3 + ei: (self._bottleneck(block, o, e, in_list[i]), in_list[i])
                    for i, o in pairs
                    for ei, e in enumerate(block.expand_ratio_list)
                }
                units.append(Unit(variants, shapes[3 + b]))
                in_list = block.out_channel_list
                b += 1
        units.append(
            Unit({w: (self._linear(net.classifier, in_list[w]), in_list[w]) for w in range(3)}, shapes[-1])
        )
        return units

    @staticmethod
    def _conv(layer: nn.Module, w: int, in_channel: int) -> Callable[[], nn.Module]:
        def make() -> nn.Module:
            layer.active_out_channel = layer.out_channel_list[w]
            return layer.get_active_subnet(in_channel, preserve_weight=False)

        return make

    @staticmethod
    def _stem_block(block: nn.Module, channels: int) -> Callable[[], nn.Module]:
        def make() -> nn.Module:
            block.conv.active_out_channel = channels
            return ResidualBlock(
                block.conv.get_active_subnet(channels, preserve_weight=False),
                IdentityLayer(channels, channels),
            )

        return make

    @staticmethod
    def _bottleneck(block: nn.Module, o: int, e: float, in_channel: int) -> Callable[[], nn.Module]:
        def make() -> nn.Module:
            block.active_out_channel = block.out_channel_list[o]
            block.active_expand_ratio = e
            return block.get_active_subnet(in_channel, preserve_weight=False)

        return make

    @staticmethod
    def _linear(layer: nn.Module, in_features: int) -> Callable[[], nn.Module]:
        return lambda: layer.get_active_subnet(in_features, preserve_weight=False)

    def unit_keys(self, space, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        X = np.asarray(X).astype(np.int64)
        d, e, w = X[:, 0:5], X[:, 5:23], X[:, 23:29]
        n = X.shape[0]
        keys = [w[:, 0], w[:, 0], w[:, 0] * 3 + w[:, 1]]
        active = [np.ones(n, bool), d[:, 0] == 2, np.ones(n, bool)]
        block_on = space.block_active(X)
        b = 0
        for s, base in enumerate(RESNET50_BASE_DEPTHS):
            out_w = w[:, 2 + s]
            for pos in range(base + 2):
                in_w = w[:, 1 + s] if pos == 0 else out_w
                keys.append((in_w * 3 + out_w) * 3 + e[:, b])
                active.append(block_on[:, b])
                b += 1
        keys.append(w[:, 5])
        active.append(np.ones(n, bool))
        return np.column_stack(keys), np.column_stack(active)


FAMILIES: dict[str, Family] = {
    "mbv3": MobileFamily(OFAMobileNetV3),
    "proxyless": MobileFamily(OFAProxylessNASNets),
    "resnet": ResNetFamily(),
}


def build_supernet(spec: SupernetSpec, seed: int = 0) -> nn.Module:
    """The supernet of ``spec`` with freshly initialised weights (seeded), in eval mode."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return FAMILIES[spec.family].build(spec).eval()


# -- weights -----------------------------------------------------------------------------------


def load_weights(
    net: nn.Module,
    spec: SupernetSpec,
    checkpoint: str | os.PathLike | None = None,
    cache_dir: str | os.PathLike | None = None,
    url: str | None = None,
) -> Path:
    """Load weights into ``net`` from ``checkpoint``, else from the cache, else from OFA's zoo.

    Args:
        net: the supernet built for ``spec``.
        spec: the supernet's description (zoo address and file name).
        checkpoint: a local ``.pth`` file: a state dict, or a dict holding one under ``state_dict``.
        cache_dir: where zoo downloads are kept (default :func:`default_cache_dir`).
        url: overrides the zoo address.

    Returns:
        The file the weights came from.
    """
    if checkpoint is not None:
        path = Path(checkpoint)
        if not path.is_file():
            raise ValueError(f"checkpoint {path} does not exist")
    else:
        path = Path(cache_dir or default_cache_dir()) / "ofa_nets" / spec.weights_file
        if not path.is_file():
            download(url or spec.weights_url, path)
    load_state(net, read_state_dict(path), path, spec.name)
    return path
