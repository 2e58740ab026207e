"""Corpus BLEU of translations, computed by sacrebleu.

HAT and DyNAS-T report tokenised BLEU on WMT'14 En-De: BPE removed, hyphenated compounds split
(``a-b`` -> ``a ##AT##-##AT## b``, as their scripts do) and the already tokenised text scored
as it is. That is the default here, over the whole corpus at once (DyNAS-T averaged per-batch
scores instead, which is not BLEU).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["corpus_bleu", "split_compounds"]

_COMPOUND = re.compile(r"(\S)-(\S)")


def split_compounds(text: str) -> str:
    """``a-b`` -> ``a ##AT##-##AT## b`` (left to right, non-overlapping, like HAT's perl line)."""
    return _COMPOUND.sub(r"\1 ##AT##-##AT## \2", text)


def corpus_bleu(
    hypotheses: Sequence[str], references: Sequence[str], tokenize: str = "none", compound_split: bool = True
) -> float:
    """BLEU (0-100) of ``hypotheses`` against one reference each.

    Args:
        hypotheses, references: BPE-free sentences, in the same order.
        tokenize: sacrebleu's tokenizer (``none``: the text is already tokenised, as WMT'14
            En-De test sets prepared for fairseq are; ``13a`` for detokenised text).
        compound_split: split hyphenated compounds first (HAT's and DyNAS-T's WMT'14 En-De).
    """
    import sacrebleu

    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses but {len(references)} references")
    if compound_split:
        hypotheses = [split_compounds(h) for h in hypotheses]
        references = [split_compounds(r) for r in references]
    return float(sacrebleu.corpus_bleu(list(hypotheses), [list(references)], tokenize=tokenize).score)
