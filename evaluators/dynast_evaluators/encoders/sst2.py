"""GLUE SST-2 validation data and a BERT tokenizer, both from local files.

``dev.tsv`` is GLUE's file: a header naming the ``sentence`` and ``label`` columns (0 negative,
1 positive), then one tab-separated row per sentence, unquoted.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

__all__ = ["SST2", "load_sst2", "load_tokenizer", "read_sst2_tsv"]

_TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")


def _tsv_path(dataset_path: str | Path) -> Path:
    path = Path(dataset_path)
    tsv = path if path.is_file() else path / "dev.tsv"
    if not tsv.is_file():
        raise ValueError(f"{path} holds no GLUE SST-2 dev.tsv (give the SST-2 folder or the tsv file)")
    return tsv


def read_sst2_tsv(dataset_path: str | Path) -> tuple[list[str], list[int]]:
    """Sentences and labels of GLUE's SST-2 ``dev.tsv`` (or the tsv file given)."""
    tsv = _tsv_path(dataset_path)
    with open(tsv, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or "sentence" not in rows[0] or "label" not in rows[0]:
        raise ValueError(
            f"{tsv}: the first line must name the 'sentence' and 'label' columns, got {rows[:1]}"
        )
    s, lab = rows[0].index("sentence"), rows[0].index("label")
    sentences, labels = [], []
    for n, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(rows[0]) or row[lab] not in ("0", "1"):
            raise ValueError(f"{tsv}:{n}: expected {len(rows[0])} columns and a 0/1 label, got {row!r}")
        sentences.append(row[s])
        labels.append(int(row[lab]))
    if not sentences:
        raise ValueError(f"{tsv} has no sentences")
    return sentences, labels


def load_tokenizer(tokenizer_path: str | None, dataset_path: str | None, checkpoint: str | None) -> Any:
    """A BERT tokenizer from local files only: ``tokenizer_path`` (a ``vocab.txt`` or a saved
    tokenizer folder), else the first of the dataset folder, its ``tokenizer/`` sub-folder and
    the checkpoint's folder that holds one."""
    from transformers import AutoTokenizer, BertTokenizer

    candidates = []
    if tokenizer_path is not None:
        candidates = [Path(tokenizer_path)]
    else:
        for base in (dataset_path, checkpoint):
            if base is not None:
                folder = Path(base) if Path(base).is_dir() else Path(base).parent
                candidates += [folder, folder / "tokenizer"]
    for path in candidates:
        if path.is_file():
            return BertTokenizer(vocab=str(path))
        if any((path / f).is_file() for f in _TOKENIZER_FILES):
            return AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        if (path / "vocab.txt").is_file():
            return BertTokenizer(vocab=str(path / "vocab.txt"))
    where = ", ".join(str(p) for p in candidates) or "nowhere (no dataset or checkpoint given)"
    raise ValueError(
        f"no BERT tokenizer found (looked in {where}): put the model's vocab.txt or tokenizer.json "
        "in the dataset folder, or pass tokenizer_path"
    )


@dataclass(frozen=True)
class SST2:
    """Tokenised SST-2 validation data: ``input_ids`` and ``attention_mask`` (n, max_length)
    long tensors, ``labels`` (n,)."""

    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    labels: torch.Tensor


def load_sst2(dataset_path: str | Path, tokenizer: Any, max_length: int = 128) -> SST2:
    """Read and tokenise ``dev.tsv`` (truncated / padded to ``max_length`` tokens)."""
    sentences, labels = read_sst2_tsv(dataset_path)
    enc = tokenizer(
        sentences, max_length=max_length, padding="max_length", truncation=True, return_tensors="pt"
    )
    return SST2(enc["input_ids"], enc["attention_mask"], torch.tensor(labels, dtype=torch.long))
