"""ImageNet-style image folders: ``train/`` and ``val/``, one sub-folder of images per class.

Validation follows OFA's evaluation transform (resize to r / 0.875, centre crop r, ImageNet
normalisation). The BatchNorm-recalibration subset is drawn from ``train/`` with a seeded
generator and uses the same deterministic transform, so the same seed gives the same statistics.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch.utils.data import DataLoader, Subset
from torchvision import datasets, transforms

__all__ = ["ImageFolderData", "eval_transform"]

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


def eval_transform(resolution: int) -> transforms.Compose:
    """OFA's validation transform at ``resolution`` pixels."""
    return transforms.Compose(
        [
            transforms.Resize(int(math.ceil(resolution / 0.875))),
            transforms.CenterCrop(resolution),
            transforms.ToTensor(),
            transforms.Normalize(MEAN, STD),
        ]
    )


def _check_split(root: Path, split: str) -> Path:
    folder = root / split
    if not folder.is_dir():
        raise ValueError(
            f"dataset folder {root} has no {split}/ folder: expected {root}/train and {root}/val, "
            "each with one sub-folder of images per class"
        )
    if not any(p.is_dir() for p in folder.iterdir()):
        raise ValueError(f"{folder} has no class folders")
    return folder


@dataclass(frozen=True)
class ImageFolderData:
    """Loaders over an ImageNet-style folder.

    Attributes:
        root: folder holding ``train/`` and ``val/``.
        batch_size: validation batch size.
        bn_images: images of the BatchNorm-recalibration subset (DyNAS-T: 2,000).
        bn_batch_size: its batch size (DyNAS-T: 200).
        test_fraction: share of ``val/`` validated (a seeded subset when below 1).
        num_workers: loader worker processes.
        seed: seeds both subsets.
        transform: resolution -> the image transform (OFA's by default).
        splits: the sub-folders that must exist (a model without BatchNorm reads ``val/`` only).
    """

    root: Path
    batch_size: int = 128
    bn_images: int = 2000
    bn_batch_size: int = 200
    test_fraction: float = 1.0
    num_workers: int = 4
    seed: int = 0
    transform: Callable[[int], Any] = eval_transform
    splits: tuple[str, ...] = ("train", "val")

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))
        if not self.root.is_dir():
            raise ValueError(f"dataset folder {self.root} does not exist")
        for split in self.splits:
            _check_split(self.root, split)
        if not 0.0 < self.test_fraction <= 1.0:
            raise ValueError(f"test_fraction must be in (0, 1], got {self.test_fraction}")
        for name in ("batch_size", "bn_images", "bn_batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.num_workers < 0:
            raise ValueError(f"num_workers must be >= 0, got {self.num_workers}")
        if "train" not in self.splits:
            return
        train_classes = sorted(p.name for p in (self.root / "train").iterdir() if p.is_dir())
        val_classes = sorted(p.name for p in (self.root / "val").iterdir() if p.is_dir())
        if train_classes != val_classes:
            extra = sorted(set(val_classes) ^ set(train_classes))
            raise ValueError(
                f"train/ and val/ of {self.root} must hold the same class folders; they differ in {extra}"
            )

    def _loader(self, dataset, batch_size: int) -> DataLoader:
        return DataLoader(
            dataset,
            batch_size=batch_size,
            shuffle=False,
            drop_last=False,
            num_workers=self.num_workers,
            persistent_workers=False,
        )

    def _subset(self, dataset, n: int, salt: int) -> Subset:
        gen = torch.Generator().manual_seed(self.seed * 1_000_003 + salt)
        order = torch.randperm(len(dataset), generator=gen)[:n]
        return Subset(dataset, sorted(order.tolist()))

    def _folder(self, split: str, resolution: int) -> datasets.ImageFolder:
        try:
            return datasets.ImageFolder(str(self.root / split), transform=self.transform(resolution))
        except FileNotFoundError as err:  # a class folder without images
            raise ValueError(f"{self.root / split}: {err}") from err

    def bn_loader(self, resolution: int) -> DataLoader:
        """The seeded recalibration subset of ``train/`` at ``resolution``."""
        train = self._folder("train", resolution)
        subset = self._subset(train, min(self.bn_images, len(train)), salt=1)
        return self._loader(subset, self.bn_batch_size)

    def val_loader(self, resolution: int) -> DataLoader:
        """``val/`` (or its seeded ``test_fraction``) at ``resolution``; no sample dropped."""
        val = self._folder("val", resolution)
        if self.test_fraction < 1.0:
            val = self._subset(val, max(1, round(self.test_fraction * len(val))), salt=2)
        return self._loader(val, self.batch_size)
