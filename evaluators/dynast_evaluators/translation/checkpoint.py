"""HAT / DyNAS-T SuperTransformer checkpoints (fairseq's layout) read without fairseq.

fairseq saves ``{"args": argparse.Namespace, "model": state dict, "optimizer_history": ...}``.
It is read with ``torch.load(weights_only=True)``, allowing ``argparse.Namespace`` only, and its
parameter names are mapped onto :class:`~dynast_evaluators.translation.model.TransformerLT`'s:
the shared ``encoder.embed_tokens`` / ``decoder.embed_tokens`` become ``embed_tokens``; the
fused ``in_proj_weight`` / ``in_proj_bias`` of each attention are split into q, k and v
projections; ``fc1`` / ``fc2`` move under ``ffn``. Sinusoidal-position buffers and version
counters carry no weights and are dropped.
"""

from __future__ import annotations

import re
from pathlib import Path

import torch

__all__ = ["map_fairseq_state"]

_IN_PROJ = re.compile(
    r"^((?:encoder|decoder)\.layers\.\d+\.(?:self_attn|encoder_attn))\.in_proj_(weight|bias)$"
)
_SPLIT_PROJ = re.compile(
    r"^((?:encoder|decoder)\.layers\.\d+\.(?:self_attn|encoder_attn))\.([qkv])_proj_weight$"
)
_FFN = re.compile(r"^((?:encoder|decoder)\.layers\.\d+)\.(fc[12]\.(?:weight|bias))$")
_DROPPED = re.compile(r"(embed_positions\._float_tensor|embed_positions\.weights|\.version)$")


def map_fairseq_state(
    state: dict[str, torch.Tensor], path: str | Path = "checkpoint"
) -> dict[str, torch.Tensor]:
    """fairseq SuperTransformer names -> ours (see the module docstring); names already in our
    layout pass through unchanged."""
    if "decoder.embed_out" in state:
        raise ValueError(
            f"{path} has a separate output embedding (decoder.embed_out); HAT's WMT supernets share "
            "one table between encoder, decoder and output, which is what is supported"
        )
    out: dict[str, torch.Tensor] = {}
    tables = [state[k] for k in ("encoder.embed_tokens.weight", "decoder.embed_tokens.weight") if k in state]
    if len(tables) == 2 and not torch.equal(tables[0], tables[1]):
        raise ValueError(f"{path}: encoder and decoder embeddings differ; a shared table is expected")
    if tables:
        out["embed_tokens.weight"] = tables[0]
    for name, value in state.items():
        if name in ("encoder.embed_tokens.weight", "decoder.embed_tokens.weight") or _DROPPED.search(name):
            continue
        if m := _IN_PROJ.match(name):
            for part, chunk in zip("qkv", value.chunk(3, dim=0), strict=True):
                out[f"{m[1]}.{part}_proj.{m[2]}"] = chunk.clone()
        elif m := _SPLIT_PROJ.match(name):
            out[f"{m[1]}.{m[2]}_proj.weight"] = value
        elif m := _FFN.match(name):
            out[f"{m[1]}.ffn.{m[2]}"] = value
        else:
            out[name] = value
    return out
