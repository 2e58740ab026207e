"""Greedy and beam-search decoding with cached keys and values (fairseq's search rules).

Beam search follows fairseq's ``SequenceGenerator``: hypotheses start from ``</s>``; each step
keeps the best ``2 x beam`` continuations of the live hypotheses; an end-of-sentence among the
best ``beam`` of them finishes a hypothesis with score ``sum log p / length ** lenpen`` (length
counting the ``</s>``); a sentence is done once it has ``beam`` finished hypotheses; at the
length limit only ``</s>`` may follow. Padding is never generated.
"""

from __future__ import annotations

import torch

from .data import EOS, PAD
from .model import Encoded, TransformerLT, start_tokens
from .space import LTArch

__all__ = ["beam_search", "greedy", "max_length"]


def max_length(src_tokens: torch.Tensor, max_len_a: float = 0.0, max_len_b: int = 200) -> int:
    """fairseq's limit on generated tokens: ``a x longest source + b`` (defaults 0 and 200)."""
    longest = int(src_tokens.ne(PAD).sum(dim=1).max())
    return int(max_len_a * longest + max_len_b)


def _step_logprobs(
    model: TransformerLT,
    tokens: torch.Tensor,
    enc: Encoded,
    arch: LTArch | None,
    cache: list[dict],
    force_eos: bool,
) -> torch.Tensor:
    logits = model.decode(tokens, enc, arch, cache)[:, -1].float()
    lprobs = torch.log_softmax(logits, dim=-1)
    lprobs[:, PAD] = -torch.inf
    if force_eos:
        keep = lprobs[:, EOS].clone()
        lprobs.fill_(-torch.inf)
        lprobs[:, EOS] = keep
    return lprobs


@torch.inference_mode()
def greedy(
    model: TransformerLT, src_tokens: torch.Tensor, arch: LTArch | None = None, max_len: int | None = None
) -> list[list[int]]:
    """The most likely next token at every step, until ``</s>`` or ``max_len`` tokens.

    Returns:
        One list of token indices per sentence, without the final ``</s>``.
    """
    limit = max_length(src_tokens) if max_len is None else max_len
    B = src_tokens.shape[0]
    enc = model.encode(src_tokens, arch)
    cache = model.new_cache(arch)
    tokens = start_tokens(B, src_tokens.device)
    out: list[list[int]] = [[] for _ in range(B)]
    done = torch.zeros(B, dtype=torch.bool)
    for step in range(limit + 1):
        nxt = _step_logprobs(model, tokens, enc, arch, cache, step == limit).argmax(dim=-1)
        for b in range(B):
            if not done[b]:
                if int(nxt[b]) == EOS:
                    done[b] = True
                else:
                    out[b].append(int(nxt[b]))
        if bool(done.all()):
            break
        tokens = torch.cat([tokens, nxt[:, None]], dim=1)
    return out


@torch.inference_mode()
def beam_search(
    model: TransformerLT,
    src_tokens: torch.Tensor,
    arch: LTArch | None = None,
    beam: int = 5,
    lenpen: float = 0.6,
    max_len: int | None = None,
) -> list[list[int]]:
    """Beam search over a batch of sentences (HAT's settings: beam 5, length penalty 0.6).

    Args:
        model: the (super- or sub-)Transformer.
        src_tokens: (B, S) source tokens, padded with ``PAD``.
        arch: the architecture to run (default: the model's own).
        beam: hypotheses kept per sentence.
        lenpen: length penalty exponent.
        max_len: most tokens generated before ``</s>`` (default: :func:`max_length`).

    Returns:
        The best finished hypothesis of each sentence, token indices without ``</s>``.
    """
    if beam < 1:
        raise ValueError(f"beam must be >= 1, got {beam}")
    limit = max_length(src_tokens) if max_len is None else max_len
    B, dev = src_tokens.shape[0], src_tokens.device
    enc = model.encode(src_tokens, arch).select(torch.arange(B, device=dev).repeat_interleave(beam))
    cache = model.new_cache(arch)
    tokens = start_tokens(B * beam, dev)
    scores = torch.full((B, beam), -torch.inf)
    scores[:, 0] = 0.0  # every beam starts identical: expand only the first
    finished: list[list[tuple[float, list[int]]]] = [[] for _ in range(B)]
    for step in range(limit + 1):
        lprobs = _step_logprobs(model, tokens, enc, arch, cache, step == limit).cpu()
        V = lprobs.shape[1]
        cand = (scores.reshape(-1, 1) + lprobs).view(B, beam * V)
        top_scores, top_idx = cand.topk(min(2 * beam, beam * V), dim=1)
        rows, next_tokens, next_scores = [], [], []
        for b in range(B):
            kept = 0
            for j in range(top_idx.shape[1]):
                score = float(top_scores[b, j])
                src_row, tok = b * beam + int(top_idx[b, j]) // V, int(top_idx[b, j]) % V
                if tok == EOS:
                    if j < beam and score > -torch.inf and len(finished[b]) < beam:
                        hyp = tokens[src_row, 1:].tolist()
                        finished[b].append((score / (step + 1) ** lenpen, hyp))
                    continue
                if kept < beam:
                    rows.append(src_row)
                    next_tokens.append(tok)
                    next_scores.append(score if len(finished[b]) < beam else -torch.inf)
                    kept += 1
            for _ in range(beam - kept):  # a sentence with fewer live continuations: pad with dead rows
                rows.append(b * beam)
                next_tokens.append(EOS)
                next_scores.append(-torch.inf)
        if all(len(f) >= beam for f in finished):
            break
        order = torch.tensor(rows, device=dev)
        tokens = torch.cat(
            [tokens.index_select(0, order), torch.tensor(next_tokens, device=dev)[:, None]], dim=1
        )
        scores = torch.tensor(next_scores).view(B, beam)
        model.reorder_cache(cache, order)
    return [max(f, key=lambda h: h[0])[1] if f else [] for f in finished]
