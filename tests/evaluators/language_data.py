"""Tiny language data written the way fairseq and GLUE lay them out (for the tests only):
dictionaries, binarised sentences in fairseq's mmap and cached index formats, SST-2 tsv files,
and SuperTransformer checkpoints in fairseq's naming."""

from __future__ import annotations

import argparse
import struct
from pathlib import Path

import numpy as np
import torch

WORDS = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran", "home", "big@@", "gest", "well-known"]
#: dtype codes of fairseq's index formats
CODES = {np.uint8: 1, np.int16: 3, np.int32: 4, np.int64: 5, np.uint16: 8}


def write_dict(path: Path, words=WORDS) -> Path:
    path.write_text("".join(f"{w} {100 - i}\n" for i, w in enumerate(words)))
    return path


def write_mmap(prefix: Path, sentences, dtype=np.uint16) -> None:
    """fairseq's mmap format: magic, version, dtype code, count, int32 sizes, int64 byte pointers."""
    arrays = [np.asarray(s, dtype=dtype) for s in sentences]
    sizes = np.array([len(a) for a in arrays], dtype=np.int32)
    pointers = np.concatenate([[0], np.cumsum(sizes[:-1], dtype=np.int64)]) * np.dtype(dtype).itemsize
    Path(f"{prefix}.bin").write_bytes(b"".join(a.tobytes() for a in arrays))
    with open(f"{prefix}.idx", "wb") as fh:
        fh.write(b"MMIDIDX\x00\x00" + struct.pack("<Q", 1) + struct.pack("<B", CODES[dtype]))
        fh.write(struct.pack("<Q", len(arrays)) + sizes.tobytes() + pointers.astype(np.int64).tobytes())


def write_cached(prefix: Path, sentences, dtype=np.int32) -> None:
    """fairseq 0.8's cached/lazy format: magic, version, (code, element size), (count, sizes
    count), then int64 dim offsets, data offsets (in elements) and sizes."""
    arrays = [np.asarray(s, dtype=dtype) for s in sentences]
    n = len(arrays)
    data_offsets = np.concatenate([[0], np.cumsum([len(a) for a in arrays])]).astype(np.int64)
    dim_offsets = np.arange(n + 1, dtype=np.int64)
    sizes = np.array([len(a) for a in arrays], dtype=np.int64)
    Path(f"{prefix}.bin").write_bytes(b"".join(a.tobytes() for a in arrays))
    with open(f"{prefix}.idx", "wb") as fh:
        fh.write(b"TNTIDX\x00\x00" + struct.pack("<Q", 1))
        fh.write(struct.pack("<QQ", CODES[dtype], np.dtype(dtype).itemsize) + struct.pack("<QQ", n, n))
        fh.write(dim_offsets.tobytes() + data_offsets.tobytes() + sizes.tobytes())


SOURCES = ["the cat sat on the mat", "a dog ran home", "the big@@ gest dog", "a well-known cat"]
TARGETS = ["die katze", "ein hund lief", "der gr@@ oesste hund", "eine bekannte katze"]


def make_translation_folder(root: Path, binary: bool = True) -> Path:
    """dict.en.txt / dict.de.txt (one joined dictionary) and the test split, binarised or text."""
    from dynast_evaluators.translation.data import Dictionary

    root.mkdir(parents=True, exist_ok=True)
    words = WORDS + sorted({w for t in TARGETS for w in t.split()})
    for lang in ("en", "de"):
        write_dict(root / f"dict.{lang}.txt", words)
    if binary:
        d = Dictionary.load(root / "dict.en.txt")
        write_mmap(root / "test.en-de.en", [d.encode_line(s) for s in SOURCES])
        write_mmap(root / "test.en-de.de", [d.encode_line(t) for t in TARGETS])
    else:
        (root / "test.en").write_text("\n".join(SOURCES) + "\n")
        (root / "test.de").write_text("\n".join(TARGETS) + "\n")
    return root


def to_fairseq_state(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Our TransformerLT names -> HAT's fairseq names (fused q/k/v, shared embeddings in both
    places, fc1/fc2 directly under the layer, position and version buffers)."""
    out: dict[str, torch.Tensor] = {}
    for name, value in state.items():
        if name == "embed_tokens.weight":
            out["encoder.embed_tokens.weight"] = value
            out["decoder.embed_tokens.weight"] = value
        elif ".q_proj." in name:
            kind = name.rsplit(".", 1)[1]
            parts = [state[name.replace(".q_proj.", f".{p}_proj.")] for p in "qkv"]
            out[name.replace(f"q_proj.{kind}", f"in_proj_{kind}")] = torch.cat(parts, dim=0)
        elif ".k_proj." in name or ".v_proj." in name:
            continue
        else:
            out[name.replace(".ffn.", ".")] = value
    for part in ("encoder", "decoder"):
        out[f"{part}.embed_positions._float_tensor"] = torch.zeros(1)
        out[f"{part}.version"] = torch.tensor([3.0])
    return out


def save_fairseq_checkpoint(path: Path, state: dict[str, torch.Tensor]) -> Path:
    torch.save(
        {
            "args": argparse.Namespace(arch="transformersuper_wmt_en_de", qkv_dim=512),
            "model": to_fairseq_state(state),
            "optimizer_history": [{"criterion_name": "LabelSmoothedCrossEntropyCriterion", "num_updates": 1}],
            "extra_state": {"epoch": 1},
        },
        path,
    )
    return path


SST2_ROWS = [("a good movie", 1), ("a bad movie", 0), ("good good", 1), ("bad", 0), ("the movie", 1)]
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "good", "bad", "movie", "the"]


def make_sst2_folder(root: Path, rows=SST2_ROWS) -> Path:
    """GLUE's SST-2 dev.tsv (header, tab-separated, unquoted) and a BERT vocab.txt beside it."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "dev.tsv").write_text("sentence\tlabel\n" + "".join(f"{s}\t{y}\n" for s, y in rows))
    (root / "vocab.txt").write_text("\n".join(VOCAB) + "\n")
    return root
