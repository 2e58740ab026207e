"""HAT's SuperTransformer (Wang et al. 2020) in plain PyTorch, and its sub-Transformers.

Post-norm encoder-decoder Transformer with sinusoidal positions, ReLU feed-forward layers and
one embedding table shared by the encoder, the decoder and the output projection. Weights are
shared as in HAT: a narrower model or feed-forward layer uses the first rows/columns, a shallower
decoder its first layers; queries, keys and values always project to 512 dimensions, split into
the layer's number of heads.

One :class:`TransformerLT` class serves both: the supernet runs any :class:`LTArch` by slicing
its weights on the fly (HAT's sampled forward), and :meth:`TransformerLT.extract` cuts a real,
smaller model out of it, whose own architecture is its default.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .data import EOS, PAD
from .space import ENCODER_LAYERS, QKV_DIM, LTArch

__all__ = ["Encoded", "TransformerLT", "super_arch"]

MAX_POSITIONS = 1024


def super_arch(embed_dim: int = 640, ffn: int = 3072, decoder_layers: int = 6, heads: int = 8) -> LTArch:
    """The largest architecture of HAT's WMT'14 En-De space (the supernet's shapes)."""
    return LTArch(
        encoder_embed_dim=embed_dim,
        decoder_embed_dim=embed_dim,
        encoder_ffn=(ffn,) * ENCODER_LAYERS,
        encoder_heads=(heads,) * ENCODER_LAYERS,
        decoder_ffn=(ffn,) * decoder_layers,
        decoder_self_heads=(heads,) * decoder_layers,
        decoder_ende_heads=(heads,) * decoder_layers,
        decoder_ende_layers=(3,) * decoder_layers,
        position_dim=embed_dim,
    )


def sinusoidal_positions(positions: torch.Tensor, dim: int) -> torch.Tensor:
    """fairseq's sinusoidal embedding of ``positions`` (the sines, then the cosines), width
    ``dim``; the padding position is all zeros."""
    half = dim // 2
    freq = torch.exp(torch.arange(half, dtype=torch.float32) * -(math.log(10000.0) / (half - 1)))
    angles = positions.to(torch.float32)[..., None] * freq.to(positions.device)
    emb = torch.cat([torch.sin(angles), torch.cos(angles)], dim=-1)
    if dim % 2:
        emb = F.pad(emb, (0, 1))
    return emb.masked_fill((positions == PAD)[..., None], 0.0)


def _positions(tokens: torch.Tensor) -> torch.Tensor:
    """fairseq's ``make_positions``: non-padding tokens count from ``PAD + 1``."""
    mask = tokens.ne(PAD).long()
    return torch.cumsum(mask, dim=1) * mask + PAD


def _layer_norm(ln: nn.LayerNorm, x: torch.Tensor) -> torch.Tensor:
    w = x.shape[-1]
    return F.layer_norm(x, (w,), ln.weight[:w], ln.bias[:w], ln.eps)


class Attention(nn.Module):
    """Multi-head attention with q/k/v projected to ``qkv`` dimensions from inputs of any
    width up to the layer's (the first input columns are used)."""

    def __init__(self, q_dim: int, kv_dim: int, qkv: int = QKV_DIM):
        super().__init__()
        self.q_proj = nn.Linear(q_dim, qkv)
        self.k_proj = nn.Linear(kv_dim, qkv)
        self.v_proj = nn.Linear(kv_dim, qkv)
        self.out_proj = nn.Linear(qkv, q_dim)

    def keys_values(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Projected keys and values of ``x`` (B, S, width) -> two (B, S, qkv)."""
        w = x.shape[-1]
        return (
            F.linear(x, self.k_proj.weight[:, :w], self.k_proj.bias),
            F.linear(x, self.v_proj.weight[:, :w], self.v_proj.bias),
        )

    def forward(
        self, x: torch.Tensor, k: torch.Tensor, v: torch.Tensor, heads: int, mask: torch.Tensor | None
    ) -> torch.Tensor:
        """Attend from ``x`` (B, T, width) to projected keys/values (B, S, qkv); ``mask`` is
        boolean, broadcastable to (B, heads, T, S), True where attending is allowed."""
        B, T, w = x.shape
        qkv = self.q_proj.weight.shape[0]
        q = F.linear(x, self.q_proj.weight[:, :w], self.q_proj.bias)

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(B, -1, heads, qkv // heads).transpose(1, 2)

        out = F.scaled_dot_product_attention(split(q), split(k), split(v), attn_mask=mask)
        out = out.transpose(1, 2).reshape(B, T, qkv)
        return F.linear(out, self.out_proj.weight[:w], self.out_proj.bias[:w])


class FeedForward(nn.Module):
    def __init__(self, dim: int, ffn: int):
        super().__init__()
        self.fc1 = nn.Linear(dim, ffn)
        self.fc2 = nn.Linear(ffn, dim)

    def forward(self, x: torch.Tensor, ffn: int) -> torch.Tensor:
        w = x.shape[-1]
        h = F.relu(F.linear(x, self.fc1.weight[:ffn, :w], self.fc1.bias[:ffn]))
        return F.linear(h, self.fc2.weight[:w, :ffn], self.fc2.bias[:w])


class EncoderLayer(nn.Module):
    def __init__(self, dim: int, ffn: int):
        super().__init__()
        self.self_attn = Attention(dim, dim)
        self.self_attn_layer_norm = nn.LayerNorm(dim)
        self.ffn = FeedForward(dim, ffn)
        self.final_layer_norm = nn.LayerNorm(dim)

    def forward(self, x: torch.Tensor, heads: int, ffn: int, mask: torch.Tensor | None) -> torch.Tensor:
        x = _layer_norm(
            self.self_attn_layer_norm, x + self.self_attn(x, *self.self_attn.keys_values(x), heads, mask)
        )
        return _layer_norm(self.final_layer_norm, x + self.ffn(x, ffn))


class DecoderLayer(nn.Module):
    def __init__(self, dim: int, encoder_dim: int, ffn: int):
        super().__init__()
        self.self_attn = Attention(dim, dim)
        self.self_attn_layer_norm = nn.LayerNorm(dim)
        self.encoder_attn = Attention(dim, encoder_dim)
        self.encoder_attn_layer_norm = nn.LayerNorm(dim)
        self.ffn = FeedForward(dim, ffn)
        self.final_layer_norm = nn.LayerNorm(dim)

    def forward(
        self,
        x: torch.Tensor,
        memory: tuple[torch.Tensor, torch.Tensor],
        memory_mask: torch.Tensor | None,
        self_mask: torch.Tensor | None,
        heads: tuple[int, int],
        ffn: int,
        cache: dict | None,
    ) -> torch.Tensor:
        k, v = self.self_attn.keys_values(x)
        if cache is not None:
            if "k" in cache:
                k, v = torch.cat([cache["k"], k], dim=1), torch.cat([cache["v"], v], dim=1)
            cache["k"], cache["v"] = k, v
        x = _layer_norm(self.self_attn_layer_norm, x + self.self_attn(x, k, v, heads[0], self_mask))
        x = _layer_norm(
            self.encoder_attn_layer_norm, x + self.encoder_attn(x, *memory, heads[1], memory_mask)
        )
        return _layer_norm(self.final_layer_norm, x + self.ffn(x, ffn))


@dataclass
class Encoded:
    """The encoder's output for a batch.

    Attributes:
        states: every encoder layer's output, (B, S, width) each, first layer first.
        padding: (B, S) bool, True at padding tokens.
    """

    states: list[torch.Tensor]
    padding: torch.Tensor

    def select(self, rows: torch.Tensor) -> Encoded:
        """The batch rows ``rows`` (e.g. each sentence repeated once per beam)."""
        return Encoded([s.index_select(0, rows) for s in self.states], self.padding.index_select(0, rows))


class _Stack(nn.Module):
    def __init__(self, layers: Sequence[nn.Module]):
        super().__init__()
        self.layers = nn.ModuleList(layers)


class TransformerLT(nn.Module):
    """A (super- or sub-)Transformer for translation.

    Args:
        arch: the largest shapes it holds (its default architecture).
        vocab_size: rows of the shared embedding table (the joined dictionary's size).
    """

    def __init__(self, arch: LTArch, vocab_size: int):
        super().__init__()
        self.arch = arch
        self.vocab_size = vocab_size
        d, e = arch.encoder_embed_dim, arch.decoder_embed_dim
        self.embed_tokens = nn.Embedding(vocab_size, arch.embed_table_dim, padding_idx=PAD)
        # fairseq's initialisation: N(0, width^-1/2), the padding row zero
        nn.init.normal_(self.embed_tokens.weight, std=arch.embed_table_dim**-0.5)
        with torch.no_grad():
            self.embed_tokens.weight[PAD].zero_()
        self.encoder = _Stack([EncoderLayer(d, f) for f in arch.encoder_ffn])
        self.decoder = _Stack([DecoderLayer(e, d, f) for f in arch.decoder_ffn])

    # -- the pieces -----------------------------------------------------------------------------

    def _embed(self, tokens: torch.Tensor, width: int, arch: LTArch, start: int = 0) -> torch.Tensor:
        positions = _positions(tokens)[:, start:]
        x = F.embedding(tokens[:, start:], self.embed_tokens.weight[:, :width], PAD)
        return math.sqrt(width) * x + sinusoidal_positions(positions, arch.position_dim)[..., :width]

    def encode(self, src_tokens: torch.Tensor, arch: LTArch | None = None) -> Encoded:
        """Run the encoder on ``src_tokens`` (B, S) (left- or right-padded with ``PAD``)."""
        arch = arch or self.arch
        padding = src_tokens.eq(PAD)
        mask = None if not padding.any() else ~padding[:, None, None, :]
        x = self._embed(src_tokens, arch.encoder_embed_dim, arch)
        states = []
        for layer, heads, ffn in zip(self.encoder.layers, arch.encoder_heads, arch.encoder_ffn, strict=False):
            x = layer(x, heads, ffn, mask)
            states.append(x)
        return Encoded(states, padding)

    def decode(
        self,
        prev_tokens: torch.Tensor,
        encoded: Encoded,
        arch: LTArch | None = None,
        cache: list[dict] | None = None,
    ) -> torch.Tensor:
        """Logits over the vocabulary of the decoder's positions.

        Args:
            prev_tokens: (B, T) target tokens so far, starting with ``</s>`` (fairseq's start).
            encoded: the encoder's output for the same rows.
            arch: the architecture to run (default: the model's own).
            cache: None for a teacher-forced pass over all T positions (causal mask); else one
                dict per decoder layer (start with :meth:`new_cache`) holding the keys and
                values of the positions already decoded: only the new positions are computed.

        Returns:
            (B, T_new, vocab) logits.
        """
        arch = arch or self.arch
        e = arch.decoder_embed_dim
        start = 0 if cache is None or "k" not in cache[0] else cache[0]["k"].shape[1]
        x = self._embed(prev_tokens, e, arch, start)
        T = x.shape[1]
        self_mask = None
        if cache is None and T > 1:
            self_mask = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
        for i, layer in enumerate(self.decoder.layers[: len(arch.decoder_ffn)]):
            memory, memory_mask = self._memory(layer, encoded, arch.decoder_ende_layers[i], cache, i)
            heads = (arch.decoder_self_heads[i], arch.decoder_ende_heads[i])
            x = layer(
                x,
                memory,
                memory_mask,
                self_mask,
                heads,
                arch.decoder_ffn[i],
                None if cache is None else cache[i],
            )
        return F.linear(x, self.embed_tokens.weight[:, :e])

    @staticmethod
    def _memory(
        layer: DecoderLayer, encoded: Encoded, n_layers: int, cache: list[dict] | None, i: int
    ) -> tuple[tuple[torch.Tensor, torch.Tensor], torch.Tensor | None]:
        """Keys/values of the last ``n_layers`` encoder outputs (last first, concatenated in
        time, as HAT's arbitrary encoder-decoder attention), computed once per decode."""
        padding = encoded.padding.repeat(1, n_layers)
        mask = None if not padding.any() else ~padding[:, None, None, :]
        if cache is not None and "memory" in cache[i]:
            return cache[i]["memory"], mask
        states = torch.cat([encoded.states[-1 - j] for j in range(n_layers)], dim=1)
        memory = layer.encoder_attn.keys_values(states)
        if cache is not None:
            cache[i]["memory"] = memory
        return memory, mask

    def new_cache(self, arch: LTArch | None = None) -> list[dict]:
        """An empty incremental-decoding cache for ``arch``."""
        return [{} for _ in (arch or self.arch).decoder_ffn]

    @staticmethod
    def reorder_cache(cache: list[dict], rows: torch.Tensor) -> None:
        """Keep the cached rows ``rows`` (beam search), in place."""
        for layer in cache:
            for key, value in layer.items():
                layer[key] = (
                    tuple(t.index_select(0, rows) for t in value)
                    if isinstance(value, tuple)
                    else value.index_select(0, rows)
                )

    def forward(
        self, src_tokens: torch.Tensor, prev_tokens: torch.Tensor, arch: LTArch | None = None
    ) -> torch.Tensor:
        """Teacher-forced logits (B, T, vocab) of ``prev_tokens`` given ``src_tokens``."""
        return self.decode(prev_tokens, self.encode(src_tokens, arch), arch)

    # -- sub-networks ---------------------------------------------------------------------------

    def check_arch(self, arch: LTArch) -> None:
        """One clear error when ``arch`` does not fit in this model."""
        own = self.arch
        problems = []
        if arch.encoder_embed_dim > own.encoder_embed_dim or arch.decoder_embed_dim > own.decoder_embed_dim:
            problems.append("a wider model")
        if len(arch.encoder_ffn) != len(own.encoder_ffn) or len(arch.decoder_ffn) > len(own.decoder_ffn):
            problems.append("other layer counts")
        if any(a > b for a, b in zip(arch.encoder_ffn, own.encoder_ffn, strict=False)) or any(
            a > b for a, b in zip(arch.decoder_ffn, own.decoder_ffn, strict=False)
        ):
            problems.append("wider feed-forward layers")
        if any(
            QKV_DIM % h for h in (*arch.encoder_heads, *arch.decoder_self_heads, *arch.decoder_ende_heads)
        ):
            problems.append(f"head counts that do not divide {QKV_DIM}")
        if any(not 1 <= n <= len(arch.encoder_ffn) for n in arch.decoder_ende_layers):
            problems.append("encoder-decoder attention to more encoder layers than there are")
        if problems:
            raise ValueError(f"architecture {arch} does not fit this model: {', '.join(problems)}")

    @torch.no_grad()
    def extract(self, arch: LTArch) -> TransformerLT:
        """The stand-alone sub-Transformer of ``arch`` (eval mode): every weight is the first
        rows/columns of this model's, so it computes what :meth:`forward` computes with ``arch``."""
        self.check_arch(arch)
        sub = TransformerLT(arch, self.vocab_size)
        own = dict(self.named_parameters())
        for name, p in sub.named_parameters():
            p.copy_(own[name][tuple(slice(0, n) for n in p.shape)])
        return sub.eval()


def start_tokens(batch: int, device: torch.device | str = "cpu") -> torch.Tensor:
    """The decoder's first input: ``</s>`` for every row (fairseq's convention)."""
    return torch.full((batch, 1), EOS, dtype=torch.long, device=device)
