"""The evaluator of ``transformer_lt_wmt_en_de``: exact MACs/params in closed form, HAT's
latency protocol and corpus BLEU with beam search, all on the real sub-Transformer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from ..evaluator_base import CommonSettings, SupernetEvaluator, build_evaluator
from ..measure import LatencyReport, measure_latency
from ..registry import SupernetSpec
from ..storage import load_state, read_checkpoint
from .bleu import corpus_bleu
from .checkpoint import map_fairseq_state
from .data import EOS, PAD, TranslationPairs, load_pairs
from .decoding import beam_search, max_length
from .model import TransformerLT, super_arch
from .space import SOURCE_TOKENS, TARGET_TOKENS, LTArch, exact_costs

__all__ = ["TranslationEvaluator", "TranslationSettings", "load_translation"]

#: the token HAT's latency and MACs inputs repeat (any ordinary token does)
_FILLER = 7


@dataclass(frozen=True)
class TranslationSettings(CommonSettings):
    """How the Transformer-LT evaluator loads weights and measures (and see
    :class:`~dynast_evaluators.evaluator_base.CommonSettings`).

    Attributes:
        checkpoint: HAT / DyNAS-T SuperTransformer checkpoint (fairseq layout); BLEU needs one
            (there is no model zoo to download it from).
        dataset_path: a fairseq data folder: ``dict.en.txt``, ``dict.de.txt`` and
            ``test.en-de.{en,de}.{bin,idx}``, or BPE-tokenised ``test.en`` / ``test.de``.
        batch_size: sentences per beam-search batch.
        beam, lenpen: beam size and length penalty (HAT's 5 and 0.6).
        max_len_a, max_len_b: at most ``a x longest source + b`` tokens per translation
            (fairseq's defaults, 0 and 200).
        split, source_lang, target_lang: which files of the data folder.
        vocab_size: dictionary size used for MACs/params when neither a checkpoint nor a data
            folder gives it (HAT's WMT'14 En-De joined dictionary: 32,768).
        bleu_tokenize, compound_split: see :func:`~dynast_evaluators.translation.bleu.corpus_bleu`.
        latency_warmup, latency_repeats: each pass is a whole translation (the encoder and 30
            decoder steps), so fewer than for image models.
    """

    batch_size: int = 64
    beam: int = 5
    lenpen: float = 0.6
    max_len_a: float = 0.0
    max_len_b: int = 200
    split: str = "test"
    source_lang: str = "en"
    target_lang: str = "de"
    vocab_size: int = 32768
    bleu_tokenize: str = "none"
    compound_split: bool = True
    latency_warmup: int = 5
    latency_repeats: int = 20

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.beam < 1 or self.vocab_size <= _FILLER:
            raise ValueError(
                f"need beam >= 1 and vocab_size > {_FILLER}, got {self.beam} and {self.vocab_size}"
            )


class _Translate(nn.Module):
    """One translation as HAT times it: the encoder on the source, then ``steps`` incremental
    decoder steps for ``beam`` hypotheses per sentence with cached keys and values."""

    def __init__(self, model: TransformerLT, beam: int, steps: int = TARGET_TOKENS):
        super().__init__()
        self.model, self.beam, self.steps = model, beam, steps

    def forward(self, src_tokens: torch.Tensor) -> torch.Tensor:
        rows = torch.arange(src_tokens.shape[0], device=src_tokens.device).repeat_interleave(self.beam)
        enc = self.model.encode(src_tokens).select(rows)
        prev = torch.full((rows.numel(), self.steps), _FILLER, dtype=torch.long, device=src_tokens.device)
        prev[:, -1] = EOS
        cache = self.model.new_cache()
        for t in range(self.steps):
            out = self.model.decode(prev[:, : t + 1], enc, cache=cache)
        return out


class TranslationEvaluator(SupernetEvaluator):
    """Measures configs of the Transformer-LT supernet."""

    quality_metrics = ("bleu",)

    def __init__(self, spec: SupernetSpec, settings: TranslationSettings):
        super().__init__(spec, settings)
        self.settings: TranslationSettings = settings
        self._net: TransformerLT | None = None
        self._state: dict[str, torch.Tensor] | None = None
        self._pairs: TranslationPairs | None = None
        self._vocab: int | None = None

    # -- weights and data, loaded on first need ----------------------------------------------

    def _checkpoint_state(self) -> dict[str, torch.Tensor] | None:
        if self._state is None and self._net is None and self.settings.checkpoint is not None:
            raw = read_checkpoint(self.settings.checkpoint)
            self._state = map_fairseq_state(raw, self.settings.checkpoint)
        return self._state

    @property
    def pairs(self) -> TranslationPairs:
        if self._pairs is None:
            s = self.settings
            if s.dataset_path is None:
                raise ValueError("BLEU needs translation data: pass dataset_path (a fairseq data folder)")
            self._pairs = load_pairs(s.dataset_path, s.split, s.source_lang, s.target_lang)
        return self._pairs

    @property
    def vocab_size(self) -> int:
        """Rows of the embedding table: the checkpoint's, else the dictionary's, else the setting."""
        if self._vocab is None:
            state = self._checkpoint_state()
            if state is not None and "embed_tokens.weight" in state:
                self._vocab = int(state["embed_tokens.weight"].shape[0])
            elif self.settings.dataset_path is not None:
                self._vocab = len(self.pairs.tgt_dict)
            else:
                self._vocab = self.settings.vocab_size
        return self._vocab

    @property
    def supernet(self) -> TransformerLT:
        """The SuperTransformer with the checkpoint's weights (random ones without a checkpoint)."""
        if self._net is None:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(self.settings.seed)
                net = TransformerLT(super_arch(), self.vocab_size)
            state = self._checkpoint_state()
            if state is not None:
                load_state(net, state, self.settings.checkpoint, self.name)
                self._state = None  # the weights live in the supernet now
            self._net = net.eval()
        return self._net

    def prepare(self, metrics: Sequence[str]) -> None:
        super().prepare(metrics)
        if "bleu" in metrics:
            if self.settings.checkpoint is None and self.settings.pretrained:
                raise ValueError(
                    f"BLEU of {self.name} needs the SuperTransformer's weights: pass a HAT / DyNAS-T "
                    "checkpoint (--supernet_ckpt_path), or random weights for a dry run"
                )
            pairs = self.pairs
            if len(pairs.tgt_dict) != self.vocab_size:
                raise ValueError(
                    f"the dictionary of {self.settings.dataset_path} has {len(pairs.tgt_dict)} entries "
                    f"but the supernet's embedding table has {self.vocab_size} rows"
                )
        if "bleu" in metrics or "latency" in metrics:
            self.supernet  # noqa: B018 - loads the weights

    # -- measuring ----------------------------------------------------------------------------

    def arch(self, config: Mapping[str, Any]) -> LTArch:
        self.encode([config])
        return LTArch.from_config(config, position_dim=self.supernet.arch.position_dim)

    def subnet(self, config: Mapping[str, Any]) -> TransformerLT:
        """The stand-alone sub-Transformer of ``config`` (eval mode)."""
        return self.supernet.extract(self.arch(config))

    def costs(self, values: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        return exact_costs(values, self.vocab_size)

    def latency(self, config: Mapping[str, Any]) -> LatencyReport:
        """HAT's protocol: a 30-token source, the encoder plus 30 incremental decoder steps of
        ``beam`` hypotheses, per translation (milliseconds)."""
        s = self.settings
        src = torch.full((1, SOURCE_TOKENS), _FILLER, dtype=torch.long)
        src[0, 0] = EOS  # HAT's dummy source
        return measure_latency(
            _Translate(self.subnet(config), s.beam),
            src,
            device=s.device,
            batch_size=s.latency_batch_size,
            warmup=s.latency_warmup,
            repeats=s.latency_repeats,
        )

    def translate(self, config: Mapping[str, Any]) -> tuple[list[str], list[str]]:
        """Beam-search translations of the test sentences (BPE removed) and their references."""
        s, pairs = self.settings, self.pairs
        order = np.arange(len(pairs.sources))
        if s.test_fraction < 1.0:
            rng = np.random.default_rng(s.seed)
            order = np.sort(rng.permutation(len(order))[: max(1, round(s.test_fraction * len(order)))])
        # batches of similar length, as fairseq forms them: less padding
        order = order[np.argsort([len(pairs.sources[i]) for i in order], kind="stable")]
        net = self.subnet(config).to(s.device)
        hyps: dict[int, str] = {}
        for start in range(0, len(order), s.batch_size):
            ids = order[start : start + s.batch_size]
            width = max(len(pairs.sources[i]) for i in ids)
            src = torch.full((len(ids), width), PAD, dtype=torch.long)
            for row, i in enumerate(ids):  # left padding, as fairseq feeds the encoder
                src[row, width - len(pairs.sources[i]) :] = torch.from_numpy(pairs.sources[i])
            limit = max_length(src, s.max_len_a, s.max_len_b)
            out = beam_search(net, src.to(s.device), beam=s.beam, lenpen=s.lenpen, max_len=limit)
            for i, tokens in zip(ids, out, strict=True):
                hyps[int(i)] = pairs.tgt_dict.string(tokens)
        kept = sorted(hyps)
        return [hyps[i] for i in kept], [pairs.references[i] for i in kept]

    def quality(self, config: Mapping[str, Any], metrics: Sequence[str]) -> dict[str, float]:
        if self.settings.checkpoint is None and self.settings.pretrained:
            self.prepare(["bleu"])  # the one clear error
        hyps, refs = self.translate(config)
        s = self.settings
        return {"bleu": corpus_bleu(hyps, refs, tokenize=s.bleu_tokenize, compound_split=s.compound_split)}


def load_translation(spec: SupernetSpec, **options: Any) -> TranslationEvaluator:
    """Build the Transformer-LT evaluator; unknown options raise one error naming the valid ones."""
    return build_evaluator(TranslationEvaluator, TranslationSettings, spec, options)
