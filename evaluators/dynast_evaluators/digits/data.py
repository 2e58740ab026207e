"""scikit-learn's handwritten digits (1,797 real 8x8 images, shipped with the package) as
tensors, split once into training and validation sets with a fixed, seeded, stratified split."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

__all__ = ["SPLIT_SEED", "VAL_FRACTION", "DigitsSplit", "load_split"]

#: the split is part of the supernet's definition: every run validates on the same images
SPLIT_SEED = 0
VAL_FRACTION = 0.3


@dataclass(frozen=True)
class DigitsSplit:
    """Training and validation images, shape (n, 1, 8, 8) float32 standardised with the
    training set's pixel mean and standard deviation, and int64 labels 0-9."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor


def load_split(seed: int = SPLIT_SEED, val_fraction: float = VAL_FRACTION) -> DigitsSplit:
    """The digits, split class by class so both sets hold each digit in proportion."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = digits.images.astype(np.float32) / 16.0
    labels = digits.target.astype(np.int64)
    rng = np.random.default_rng(seed)
    val = np.zeros(len(labels), dtype=bool)
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        val[idx[: round(val_fraction * len(idx))]] = True
    mean, std = images[~val].mean(), images[~val].std()
    x = torch.from_numpy((images - mean) / std)[:, None]
    y = torch.from_numpy(labels)
    train, valid = torch.from_numpy(~val), torch.from_numpy(val)
    return DigitsSplit(x[train], y[train], x[valid], y[valid])
