"""Elastic layer count, heads and feed-forward width on ``transformers``' BERT and ViT modules.

A sub-network keeps the first layers, in each the first heads (the first ``heads x 64`` rows of
the query, key and value projections and columns of the output projection) and the first
feed-forward units. :func:`extract` builds it as a real, smaller ``transformers`` model (new
``nn.Linear`` layers with the sliced weights; transformers 5 has no ``prune_heads``), so its
latency, MACs and params are those of what would be deployed. :func:`masked` runs the unchanged
supernet with the dropped heads and units zeroed instead: the reference a sub-network must equal.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import torch
from torch import nn

__all__ = ["BERT_LAYOUT", "VIT_LAYOUT", "ElasticConfig", "Layout", "extract", "masked"]


@dataclass(frozen=True)
class Layout:
    """Where a family keeps its pieces (dotted attribute paths).

    Attributes:
        layers: the ``nn.ModuleList`` of layers, from the model.
        q, k, v, o: the attention projections, from a layer.
        fc1, fc2: the feed-forward layers, from a layer.
        attention: the module holding ``num_attention_heads``, from a layer.
    """

    layers: str
    q: str
    k: str
    v: str
    o: str
    fc1: str
    fc2: str
    attention: str


BERT_LAYOUT = Layout(
    "bert.encoder.layer",
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
    "attention.self",
)
VIT_LAYOUT = Layout(
    "vit.layers",
    "attention.q_proj",
    "attention.k_proj",
    "attention.v_proj",
    "attention.o_proj",
    "mlp.fc1",
    "mlp.fc2",
    "attention",
)


@dataclass(frozen=True)
class ElasticConfig:
    """A sub-network: layers that run, and per running layer its heads and feed-forward units."""

    layers: int
    heads: tuple[int, ...]
    ffn: tuple[int, ...]

    @classmethod
    def from_config(cls, config: Mapping, ffn_key: str) -> ElasticConfig:
        n = int(
            config["num_layers"][0]
            if isinstance(config["num_layers"], (list, tuple))
            else config["num_layers"]
        )
        return cls(
            n,
            tuple(int(h) for h in config["num_attention_heads"][:n]),
            tuple(int(f) for f in config[ffn_key][:n]),
        )


def _get(root: nn.Module, path: str) -> nn.Module:
    for part in path.split("."):
        root = getattr(root, part)
    return root


def _set(root: nn.Module, path: str, module: nn.Module) -> None:
    parent, _, name = path.rpartition(".")
    setattr(_get(root, parent) if parent else root, name, module)


def _linear(src: nn.Linear, rows: int | None = None, cols: int | None = None) -> nn.Linear:
    rows = src.out_features if rows is None else rows
    cols = src.in_features if cols is None else cols
    out = nn.Linear(cols, rows, bias=src.bias is not None, device=src.weight.device, dtype=src.weight.dtype)
    with torch.no_grad():
        out.weight.copy_(src.weight[:rows, :cols])
        if src.bias is not None:
            out.bias.copy_(src.bias[:rows])
    return out


def _check(model: nn.Module, layout: Layout, cfg: ElasticConfig, head_dim: int) -> nn.ModuleList:
    layers = _get(model, layout.layers)
    if not 1 <= cfg.layers <= len(layers) or len(cfg.heads) != cfg.layers or len(cfg.ffn) != cfg.layers:
        raise ValueError(f"{cfg} does not fit a supernet of {len(layers)} layers")
    for layer, h, f in zip(layers, cfg.heads, cfg.ffn, strict=False):
        width, units = _get(layer, layout.q).out_features, _get(layer, layout.fc1).out_features
        if not (1 <= h * head_dim <= width and 1 <= f <= units):
            raise ValueError(f"{cfg} does not fit: a layer has {width // head_dim} heads and {units} units")
    return layers


@torch.no_grad()
def extract(model: nn.Module, layout: Layout, cfg: ElasticConfig, head_dim: int = 64) -> nn.Module:
    """The stand-alone sub-network of ``cfg`` (a copy; ``model`` is not changed), in eval mode."""
    layers = _check(model, layout, cfg, head_dim)
    _set(model, layout.layers, nn.ModuleList(list(layers)[: cfg.layers]))
    try:
        sub = copy.deepcopy(model)  # copies the kept layers only
    finally:
        _set(model, layout.layers, layers)
    sub.config.num_hidden_layers = cfg.layers
    for layer, h, f in zip(_get(sub, layout.layers), cfg.heads, cfg.ffn, strict=True):
        a = h * head_dim
        for name in (layout.q, layout.k, layout.v):
            _set(layer, name, _linear(_get(layer, name), rows=a))
        _set(layer, layout.o, _linear(_get(layer, layout.o), cols=a))
        _set(layer, layout.fc1, _linear(_get(layer, layout.fc1), rows=f))
        _set(layer, layout.fc2, _linear(_get(layer, layout.fc2), cols=f))
        attention = _get(layer, layout.attention)
        attention.num_attention_heads = h
        if hasattr(attention, "all_head_size"):
            attention.all_head_size = a
    return sub.eval()


@contextlib.contextmanager
def masked(model: nn.Module, layout: Layout, cfg: ElasticConfig, head_dim: int = 64) -> Iterator[nn.Module]:
    """The supernet running ``cfg`` by masking: layers beyond ``cfg.layers`` skipped, dropped
    heads' outputs and dropped feed-forward units zeroed before the output projections."""
    layers = _check(model, layout, cfg, head_dim)

    def zero_from(n: int):
        def hook(_module: nn.Module, args: tuple) -> tuple:
            x = args[0].clone()
            x[..., n:] = 0
            return (x, *args[1:])

        return hook

    handles = []
    for layer, h, f in zip(layers, cfg.heads, cfg.ffn, strict=False):
        handles.append(_get(layer, layout.o).register_forward_pre_hook(zero_from(h * head_dim)))
        handles.append(_get(layer, layout.fc2).register_forward_pre_hook(zero_from(f)))
    _set(model, layout.layers, nn.ModuleList(list(layers)[: cfg.layers]))
    try:
        yield model
    finally:
        _set(model, layout.layers, layers)
        for handle in handles:
            handle.remove()
