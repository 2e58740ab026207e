"""Search spaces and closed-form costs of the elastic BERT-base and ViT-base/16 encoders
(torch-free).

Both are 12-layer, 768-wide encoders with 64-dimensional heads. A sub-network runs its first
``num_layers`` layers; layer i keeps its first ``num_attention_heads[i]`` heads and its first
``intermediate_size[i]`` (BERT) / ``vit_intermediate_sizes[i]`` (ViT) feed-forward units, so the
per-layer genes of layers beyond ``num_layers`` are inactive. The width (768) is not searched.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..layered import LayeredSpace

__all__ = [
    "BERT",
    "BERT_SPEC",
    "VIT",
    "VIT_SPEC",
    "BertSpace",
    "EncoderShape",
    "ViTSpace",
    "encoder_costs",
]

BERT_SPEC = {
    "num_layers": {"count": 1, "vars": [6, 7, 8, 9, 10, 11, 12]},
    "num_attention_heads": {"count": 12, "vars": [6, 8, 10, 12]},
    "intermediate_size": {"count": 12, "vars": [1024, 2048, 3072]},
}
VIT_SPEC = {
    "num_layers": {"count": 1, "vars": [10, 11, 12]},
    "num_attention_heads": {"count": 12, "vars": [6, 8, 10, 12]},
    "vit_intermediate_sizes": {"count": 12, "vars": [1024, 2048, 3072]},
}


class BertSpace(LayeredSpace):
    """DyNAS-T's ``bert_base_sst2`` space (25 genes)."""

    def __init__(self, spec: Mapping[str, Any] | None = None, fixed: Mapping[str, Any] | None = None):
        super().__init__(
            BERT_SPEC if spec is None else spec,
            fixed,
            depth="num_layers",
            per_layer=("num_attention_heads", "intermediate_size"),
        )


class ViTSpace(LayeredSpace):
    """DyNAS-T's ViT-base space (25 genes)."""

    def __init__(self, spec: Mapping[str, Any] | None = None, fixed: Mapping[str, Any] | None = None):
        super().__init__(
            VIT_SPEC if spec is None else spec,
            fixed,
            depth="num_layers",
            per_layer=("num_attention_heads", "vit_intermediate_sizes"),
        )


@dataclass(frozen=True)
class EncoderShape:
    """The fixed shapes of an elastic encoder and its measuring input.

    Attributes:
        hidden: model width.
        head_dim: width of one attention head.
        tokens: sequence length MACs are counted at (BERT: 128 tokens; ViT: 196 patches + CLS).
        embedding_params: parameters before the first layer (token/position/type embeddings
            and their LayerNorm for BERT; patch projection, CLS token and positions for ViT).
        embedding_macs: MACs before the first layer (ViT's patch projection; lookups: 0).
        head_params: parameters after the last layer (BERT: pooler and classifier; ViT: final
            LayerNorm and classifier).
        head_macs: MACs after the last layer (both read one token).
        ffn_key: name of the per-layer feed-forward gene.
    """

    hidden: int
    head_dim: int
    tokens: int
    embedding_params: int
    embedding_macs: int
    head_params: int
    head_macs: int
    ffn_key: str


def _bert(
    vocab: int = 30522, positions: int = 512, types: int = 2, labels: int = 2, tokens: int = 128
) -> EncoderShape:
    h = 768
    return EncoderShape(
        hidden=h,
        head_dim=64,
        tokens=tokens,
        embedding_params=(vocab + positions + types) * h + 2 * h,
        embedding_macs=0,
        head_params=(h * h + h) + (h * labels + labels),
        head_macs=h * h + h * labels,
        ffn_key="intermediate_size",
    )


def _vit(image: int = 224, patch: int = 16, labels: int = 1000) -> EncoderShape:
    h, n = 768, (image // patch) ** 2
    return EncoderShape(
        hidden=h,
        head_dim=64,
        tokens=n + 1,
        embedding_params=(3 * patch * patch * h + h) + h + (n + 1) * h,
        embedding_macs=n * 3 * patch * patch * h,
        head_params=2 * h + (h * labels + labels),
        head_macs=h * labels,
        ffn_key="vit_intermediate_sizes",
    )


BERT = _bert()
VIT = _vit()


def encoder_costs(values: Mapping[str, np.ndarray], shape: EncoderShape) -> tuple[np.ndarray, np.ndarray]:
    """MACs and parameters of elastic-encoder sub-networks in closed form.

    MACs (batch 1, ``shape.tokens`` tokens): every linear layer (q/k/v and output projections,
    both feed-forward layers, BERT's pooler and classifier or ViT's classifier, ViT's patch
    projection) and both attention products (``tokens x tokens x heads x 64`` each); no
    elementwise, normalisation or lookup terms. Parameters: every parameter of the deployed
    sub-network, embeddings, pooler and classification head included.

    Args:
        values: gene values, name -> (n, count).
        shape: :data:`BERT` or :data:`VIT` (or another :class:`EncoderShape`).

    Returns:
        int64 arrays (n,): MACs and parameters.
    """
    layers = values["num_layers"][:, 0].astype(np.int64)
    heads = values["num_attention_heads"].astype(np.int64)
    ffn = values[shape.ffn_key].astype(np.int64)
    h, L = shape.hidden, shape.tokens
    a = heads * shape.head_dim  # (n, 12) attention widths
    on = np.arange(heads.shape[1])[None, :] < layers[:, None]
    layer_macs = 4 * L * h * a + 2 * L * L * a + 2 * L * h * ffn
    layer_params = 3 * (h * a + a) + (a * h + h) + (2 * h * ffn + ffn + h) + 4 * h
    macs = shape.embedding_macs + shape.head_macs + np.where(on, layer_macs, 0).sum(axis=1)
    params = shape.embedding_params + shape.head_params + np.where(on, layer_params, 0).sum(axis=1)
    return macs.astype(np.int64), params.astype(np.int64)
