"""Translation test data as fairseq prepares it, read without fairseq.

* ``dict.<lang>.txt``: one ``<token> <count>`` per line; fairseq puts ``<s>`` (0), ``<pad>``
  (1), ``</s>`` (2) and ``<unk>`` (3) before the file's tokens.
* ``<split>.<src>-<tgt>.<lang>.{bin,idx}``: binarised sentences (each ending with ``</s>``) in
  fairseq's ``mmap`` format (the default since fairseq 0.9) or its older ``cached``/``lazy``
  format (fairseq 0.8, which HAT used); both are read here from their documented layouts.
* or plain text, one BPE-tokenised sentence per line (``<split>.<lang>``).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["Dictionary", "TranslationPairs", "load_pairs", "read_indexed", "remove_bpe"]

BOS, PAD, EOS, UNK = 0, 1, 2, 3
_SPECIALS = ("<s>", "<pad>", "</s>", "<unk>")
#: fairseq's dtype codes in both index formats
_DTYPES = {
    1: np.uint8,
    2: np.int8,
    3: np.int16,
    4: np.int32,
    5: np.int64,
    6: np.float64,
    7: np.float64,
    8: np.uint16,
}
_MMAP_MAGIC = b"MMIDIDX\x00\x00"
_CACHED_MAGIC = b"TNTIDX\x00\x00"


def remove_bpe(text: str, symbol: str = "@@ ") -> str:
    """Undo subword-nmt BPE as fairseq's ``--remove-bpe`` does (``"a@@ b"`` -> ``"ab"``)."""
    return (text + " ").replace(symbol, "").rstrip()


class Dictionary:
    """A fairseq dictionary: token <-> index.

    Attributes:
        symbols: tokens by index (the four specials first).
    """

    pad, eos, unk, bos = PAD, EOS, UNK, BOS

    def __init__(self, symbols: Sequence[str]):
        self.symbols = list(symbols)
        self.index = {s: i for i, s in enumerate(self.symbols)}

    def __len__(self) -> int:
        return len(self.symbols)

    @classmethod
    def load(cls, path: str | Path) -> Dictionary:
        """Read ``dict.<lang>.txt``; a malformed line is one error naming the file and line."""
        path = Path(path)
        if not path.is_file():
            raise ValueError(f"dictionary {path} does not exist")
        symbols = list(_SPECIALS)
        seen = set(symbols)
        for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = raw.rstrip("\n")
            if not line.strip():
                continue
            overwrite = line.endswith(" #fairseq:overwrite")
            if overwrite:
                line = line[: -len(" #fairseq:overwrite")]
            token, _, count = line.rpartition(" ")
            if not token or not count.lstrip("-").isdigit():
                raise ValueError(f"{path}:{n}: expected '<token> <count>', got {raw!r}")
            if token in seen and not overwrite:
                raise ValueError(f"{path}:{n}: token {token!r} appears twice")
            if token not in seen:
                symbols.append(token)
                seen.add(token)
        return cls(symbols)

    def encode_line(self, line: str, append_eos: bool = True) -> list[int]:
        """Indices of a whitespace-tokenised line (unknown tokens -> ``<unk>``)."""
        ids = [self.index.get(tok, UNK) for tok in line.split()]
        return ids + [EOS] if append_eos else ids

    def string(self, ids: Sequence[int], bpe: str | None = "@@ ") -> str:
        """The text of ``ids``: specials other than ``<unk>`` dropped, BPE undone."""
        text = " ".join(self.symbols[i] for i in ids if i not in (BOS, PAD, EOS))
        return remove_bpe(text, bpe) if bpe else text


def _read_mmap(idx: bytes, data: bytes, path: Path) -> list[np.ndarray]:
    (version,) = struct.unpack_from("<Q", idx, 9)
    (code,) = struct.unpack_from("<B", idx, 17)
    (n,) = struct.unpack_from("<Q", idx, 18)
    if version != 1 or code not in _DTYPES:
        raise ValueError(f"{path}: unsupported mmap index (version {version}, dtype code {code})")
    dtype = np.dtype(_DTYPES[code])
    sizes = np.frombuffer(idx, dtype="<i4", count=n, offset=26)
    pointers = np.frombuffer(idx, dtype="<i8", count=n, offset=26 + 4 * n)
    return [
        np.frombuffer(data, dtype=dtype, count=int(s), offset=int(p)).astype(np.int64)
        for s, p in zip(sizes, pointers, strict=True)
    ]


def _read_cached(idx: bytes, data: bytes, path: Path) -> list[np.ndarray]:
    version, code, elem, n, n_sizes = struct.unpack_from("<QQQQQ", idx, 8)
    if version != 1 or code not in _DTYPES:
        raise ValueError(f"{path}: unsupported index (version {version}, dtype code {code})")
    dtype = np.dtype(_DTYPES[code])
    if dtype.itemsize != elem:
        raise ValueError(f"{path}: element size {elem} does not match dtype code {code}")
    offset = 8 + 40 + 8 * (n + 1)  # after the header and dim_offsets
    data_offsets = np.frombuffer(idx, dtype="<i8", count=n + 1, offset=offset)
    values = np.frombuffer(data, dtype=dtype)
    return [values[data_offsets[i] : data_offsets[i + 1]].astype(np.int64) for i in range(n)]


def read_indexed(prefix: str | Path) -> list[np.ndarray]:
    """The sentences of a fairseq binarised file pair ``<prefix>.idx`` / ``<prefix>.bin``.

    Returns:
        One int64 array of token indices per sentence, in file order.
    """
    prefix = Path(prefix)
    idx_path, bin_path = Path(f"{prefix}.idx"), Path(f"{prefix}.bin")
    for p in (idx_path, bin_path):
        if not p.is_file():
            raise ValueError(f"binarised data file {p} does not exist")
    idx, data = idx_path.read_bytes(), bin_path.read_bytes()
    try:
        if idx.startswith(_MMAP_MAGIC):
            return _read_mmap(idx, data, idx_path)
        if idx.startswith(_CACHED_MAGIC):
            return _read_cached(idx, data, idx_path)
    except (struct.error, ValueError) as err:
        if isinstance(err, ValueError) and str(idx_path) in str(err):
            raise
        raise ValueError(f"{idx_path} is truncated or corrupt ({err})") from err
    raise ValueError(f"{idx_path} is not a fairseq index (neither the mmap nor the cached format)")


@dataclass(frozen=True)
class TranslationPairs:
    """Source and reference sentences of one split.

    Attributes:
        src_dict, tgt_dict: the dictionaries (the same for a joined dictionary).
        sources: token indices of each source sentence (ending with ``</s>``).
        references: the reference translations as BPE-free text.
    """

    src_dict: Dictionary
    tgt_dict: Dictionary
    sources: list[np.ndarray]
    references: list[str]


def load_pairs(folder: str | Path, split: str = "test", src: str = "en", tgt: str = "de") -> TranslationPairs:
    """A split of a fairseq data folder: ``dict.{src,tgt}.txt`` and either the binarised pair
    ``<split>.<src>-<tgt>.<lang>.{bin,idx}`` or the text files ``<split>.<lang>``.

    Raises:
        ValueError: naming the folder and the files expected, when they are not there, or when
            source and reference counts differ.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"translation data folder {folder} does not exist")
    src_dict = Dictionary.load(folder / f"dict.{src}.txt")
    tgt_dict = Dictionary.load(folder / f"dict.{tgt}.txt")
    binary = folder / f"{split}.{src}-{tgt}.{src}"
    text = folder / f"{split}.{src}"
    if Path(f"{binary}.idx").is_file():
        sources = read_indexed(binary)
        refs = [tgt_dict.string(s) for s in read_indexed(folder / f"{split}.{src}-{tgt}.{tgt}")]
    elif text.is_file():
        ref_path = folder / f"{split}.{tgt}"
        if not ref_path.is_file():
            raise ValueError(f"{folder} has {text.name} but no reference file {ref_path.name}")
        sources = [np.array(src_dict.encode_line(line), dtype=np.int64) for line in _lines(text)]
        refs = [remove_bpe(" ".join(line.split())) for line in _lines(ref_path)]
    else:
        raise ValueError(
            f"{folder} holds neither {binary.name}.{{bin,idx}} (fairseq-preprocessed) nor {text.name} "
            f"and {split}.{tgt} (BPE-tokenised text)"
        )
    if len(sources) != len(refs):
        raise ValueError(f"{folder}: {len(sources)} source sentences but {len(refs)} references")
    if not sources:
        raise ValueError(f"{folder}: the {split} split is empty")
    return TranslationPairs(src_dict, tgt_dict, sources, refs)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()
