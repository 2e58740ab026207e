"""Exact duplicate detection for candidate rows, within a batch and against all evaluated ones."""

from __future__ import annotations

import numpy as np

__all__ = ["RowArchive", "row_keys", "unique_rows"]


def _key_dtype(X: np.ndarray) -> np.dtype:
    # whole numbers in int16 range take 2 bytes a variable instead of 8 (OFA rows: 90 bytes)
    if X.size and np.all(X == np.rint(X)) and X.min() >= -32768 and X.max() <= 32767:
        return np.dtype(np.int16)
    return np.dtype(np.float64)


def row_keys(X: np.ndarray, dtype: np.dtype | None = None) -> list[bytes]:
    """One hashable key per row: its bytes, equal exactly when the rows are equal.

    Args:
        X: shape (n, d), finite.
        dtype: storage type of the key; by default int16 for whole numbers, else float64.

    Returns:
        list of n ``bytes``.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.shape[0] == 0:
        return []
    dtype = _key_dtype(X) if dtype is None else np.dtype(dtype)
    # + 0.0 turns -0.0 into 0.0, which compares equal but has other bytes
    Y = np.ascontiguousarray((X + 0.0).astype(dtype))
    return Y.view(np.dtype((np.void, Y.dtype.itemsize * Y.shape[1]))).ravel().tolist()


def unique_rows(X: np.ndarray) -> np.ndarray:
    """Indices of the first occurrence of each distinct row, ascending."""
    seen: set[bytes] = set()
    keep = []
    for i, key in enumerate(row_keys(X)):
        if key not in seen:
            seen.add(key)
            keep.append(i)
    return np.asarray(keep, dtype=np.int64)


class RowArchive:
    """The set of every row evaluated so far, for duplicate elimination.

    Args:
        integer: whether rows are whole numbers within int16 (stored in 2 bytes a variable).
    """

    def __init__(self, integer: bool):
        self._dtype = np.dtype(np.int16 if integer else np.float64)
        self._keys: set[bytes] = set()

    def __len__(self) -> int:
        return len(self._keys)

    def keys(self, X: np.ndarray) -> list[bytes]:
        return row_keys(X, self._dtype)

    def add(self, X: np.ndarray) -> None:
        self._keys.update(self.keys(X))

    def new_unique(self, X: np.ndarray, also_exclude: set[bytes] | None = None) -> np.ndarray:
        """Indices of rows of ``X`` that are neither archived, in ``also_exclude``, nor repeats
        of an earlier row of ``X``; their keys are added to ``also_exclude`` when it is given."""
        seen = set() if also_exclude is None else also_exclude
        keep = []
        for i, key in enumerate(self.keys(X)):
            if key not in self._keys and key not in seen:
                seen.add(key)
                keep.append(i)
        return np.asarray(keep, dtype=np.int64)
