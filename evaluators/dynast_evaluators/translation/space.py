"""The Transformer-LT (HAT SuperTransformer, WMT'14 En-De) search space, architectures and their
exact costs in closed form (torch-free).

DyNAS-T's space: 39 genes. The encoder always has 6 layers; the decoder runs its first
``decoder_layer_num`` layers, so the decoder genes of later layers are inactive. Attention
always projects to HAT's fixed q/k/v width of 512, split into 8 or 4 heads (so the head count
changes neither MACs nor parameters). ``decoder_arbitrary_ende_attn`` -1/1/2 lets a decoder
layer attend to the last one, two or three encoder layers' outputs, concatenated in time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..layered import LayeredSpace, gene_values

__all__ = [
    "ENCODER_LAYERS",
    "QKV_DIM",
    "SOURCE_TOKENS",
    "TARGET_TOKENS",
    "TRANSFORMER_LT_SPEC",
    "LTArch",
    "TransformerLTSpace",
    "exact_costs",
]

QKV_DIM = 512
ENCODER_LAYERS = 6
#: the sentence lengths of HAT's and DyNAS-T's MACs and latency (WMT's average is about 30 tokens)
SOURCE_TOKENS = 30
TARGET_TOKENS = 30

TRANSFORMER_LT_SPEC = {
    "encoder_embed_dim": {"count": 1, "vars": [640, 512]},
    "decoder_embed_dim": {"count": 1, "vars": [640, 512]},
    "encoder_ffn_embed_dim": {"count": 6, "vars": [3072, 2048, 1024]},
    "decoder_ffn_embed_dim": {"count": 6, "vars": [3072, 2048, 1024]},
    "decoder_layer_num": {"count": 1, "vars": [6, 5, 4, 3, 2, 1]},
    "encoder_self_attention_heads": {"count": 6, "vars": [8, 4]},
    "decoder_self_attention_heads": {"count": 6, "vars": [8, 4]},
    "decoder_ende_attention_heads": {"count": 6, "vars": [8, 4]},
    "decoder_arbitrary_ende_attn": {"count": 6, "vars": [-1, 1, 2]},
}
_DECODER_PER_LAYER = (
    "decoder_ffn_embed_dim",
    "decoder_self_attention_heads",
    "decoder_ende_attention_heads",
    "decoder_arbitrary_ende_attn",
)


class TransformerLTSpace(LayeredSpace):
    """DyNAS-T's Transformer-LT space; decoder genes beyond ``decoder_layer_num`` are inactive."""

    def __init__(self, spec: Mapping[str, Any] | None = None, fixed: Mapping[str, Any] | None = None):
        super().__init__(
            TRANSFORMER_LT_SPEC if spec is None else spec,
            fixed,
            depth="decoder_layer_num",
            per_layer=_DECODER_PER_LAYER,
        )


def _first(value: Any) -> int:
    return int(value[0]) if isinstance(value, Sequence) and not isinstance(value, str) else int(value)


@dataclass(frozen=True)
class LTArch:
    """The shape of a (sub-)Transformer; one entry per layer that runs.

    Attributes:
        encoder_embed_dim, decoder_embed_dim: model widths.
        encoder_ffn, encoder_heads: per encoder layer.
        decoder_ffn, decoder_self_heads, decoder_ende_heads: per decoder layer.
        decoder_ende_layers: how many of the last encoder layers each decoder layer attends to
            (1, 2 or 3: DyNAS-T's -1, 1, 2).
        position_dim: width of the sinusoidal position table before it is cut to the model's
            width (the supernet's largest width, as HAT computes it).
    """

    encoder_embed_dim: int
    decoder_embed_dim: int
    encoder_ffn: tuple[int, ...]
    encoder_heads: tuple[int, ...]
    decoder_ffn: tuple[int, ...]
    decoder_self_heads: tuple[int, ...]
    decoder_ende_heads: tuple[int, ...]
    decoder_ende_layers: tuple[int, ...]
    position_dim: int = 640

    @property
    def embed_table_dim(self) -> int:
        """Width of the shared embedding table (the wider of the two models)."""
        return max(self.encoder_embed_dim, self.decoder_embed_dim)

    @classmethod
    def from_config(cls, config: Mapping[str, Any], position_dim: int = 640) -> LTArch:
        """The architecture of a config in DyNAS-T's flat format (lists per parameter)."""
        n_dec = _first(config["decoder_layer_num"])
        ende = [int(a) for a in config["decoder_arbitrary_ende_attn"][:n_dec]]
        return cls(
            encoder_embed_dim=_first(config["encoder_embed_dim"]),
            decoder_embed_dim=_first(config["decoder_embed_dim"]),
            encoder_ffn=tuple(int(v) for v in config["encoder_ffn_embed_dim"][:ENCODER_LAYERS]),
            encoder_heads=tuple(int(v) for v in config["encoder_self_attention_heads"][:ENCODER_LAYERS]),
            decoder_ffn=tuple(int(v) for v in config["decoder_ffn_embed_dim"][:n_dec]),
            decoder_self_heads=tuple(int(v) for v in config["decoder_self_attention_heads"][:n_dec]),
            decoder_ende_heads=tuple(int(v) for v in config["decoder_ende_attention_heads"][:n_dec]),
            decoder_ende_layers=tuple(1 if a == -1 else a + 1 for a in ende),
            position_dim=position_dim,
        )


def exact_costs(
    values: Mapping[str, np.ndarray], vocab: int, src_len: int = SOURCE_TOKENS, tgt_len: int = TARGET_TOKENS
) -> tuple[np.ndarray, np.ndarray]:
    """MACs and parameters of Transformer-LT sub-networks in closed form.

    MACs: one teacher-forced pass over a ``src_len``-token source and a ``tgt_len``-token target
    (DyNAS-T's convention, 30 and 30): every linear layer (q/k/v/output projections, FFNs, the
    projection onto the vocabulary at every target position) and both attention products
    (scores and weighted values, ``queries x keys x 512`` each); no elementwise, normalisation
    or embedding-lookup terms. Parameters: every parameter of the deployed sub-network, the
    shared embedding table (``vocab x max(encoder, decoder width)``) counted once.

    Args:
        values: gene values, name -> (n, count) (see :func:`~dynast_evaluators.layered.gene_values`).
        vocab: dictionary size (rows of the embedding table).
        src_len, tgt_len: tokens in the source and target sentence.

    Returns:
        int64 arrays (n,): MACs and parameters.
    """
    d = values["encoder_embed_dim"][:, 0].astype(np.int64)
    e = values["decoder_embed_dim"][:, 0].astype(np.int64)
    enc_ffn = values["encoder_ffn_embed_dim"].astype(np.int64)
    dec_ffn = values["decoder_ffn_embed_dim"].astype(np.int64)
    n_dec = values["decoder_layer_num"][:, 0].astype(np.int64)
    ende = values["decoder_arbitrary_ende_attn"].astype(np.int64)
    ende_layers = np.where(ende == -1, 1, ende + 1)
    q, S, T = QKV_DIM, src_len, tgt_len

    macs = T * e * vocab
    params = vocab * np.maximum(d, e)
    for i in range(ENCODER_LAYERS):
        f = enc_ffn[:, i]
        macs = macs + 4 * S * d * q + 2 * S * S * q + 2 * S * d * f
        params = params + (3 * (q * d + q) + d * q + d) + 4 * d + (2 * d * f + f + d)
    for i in range(dec_ffn.shape[1]):
        on = i < n_dec
        f, keys = dec_ffn[:, i], ende_layers[:, i] * S
        layer_macs = (
            4 * T * e * q
            + 2 * T * T * q  # self-attention
            + 2 * T * e * q
            + 2 * keys * d * q
            + 2 * T * keys * q  # encoder-decoder attention
            + 2 * T * e * f
        )
        layer_params = (
            (3 * (q * e + q) + e * q + e)
            + (q * e + q + 2 * (q * d + q) + e * q + e)
            + 6 * e
            + (2 * e * f + f + e)
        )
        macs = macs + np.where(on, layer_macs, 0)
        params = params + np.where(on, layer_params, 0)
    return macs.astype(np.int64), params.astype(np.int64)


def exact_costs_of_rows(
    space: TransformerLTSpace, X: np.ndarray, vocab: int
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`exact_costs` of index rows of ``space``."""
    return exact_costs(gene_values(space, X), vocab)
