"""Fixtures for the evaluators package: skipped where torch is not installed, unless
DYNAST_LITE_REQUIRE_EVALUATORS=1 (CI) makes a missing install an error."""

import os
from pathlib import Path

import numpy as np
import pytest

if os.environ.get("DYNAST_LITE_REQUIRE_EVALUATORS") == "1":
    import torch  # noqa: F401

    import dynast_evaluators  # noqa: F401
else:
    pytest.importorskip("torch")
    pytest.importorskip("dynast_evaluators")

import dynast_evaluators as de  # noqa: E402

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
OFA_SUPERNETS = [n for n in de.list_supernets() if n.startswith("ofa_")]
COLOURS = {"blue": (0, 0, 255), "green": (0, 255, 0), "red": (255, 0, 0)}


def write_image(path: Path, rgb, size: int = 12, noise: int = 0, seed: int = 0) -> None:
    from PIL import Image

    pixels = np.tile(np.array(rgb, dtype=np.int16), (size, size, 1))
    if noise:
        pixels = pixels + np.random.default_rng(seed).integers(-noise, noise + 1, pixels.shape)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(path)


def make_image_folder(root: Path, val_plan: dict[str, list[str]], n_train: int = 4) -> Path:
    """ImageNet-style folder: classes blue/green/red. ``val_plan`` maps each class to the colours
    of its validation images, so a colour classifier's accuracy is known by hand."""
    for i, (cls, rgb) in enumerate(COLOURS.items()):
        for j in range(n_train):
            write_image(root / "train" / cls / f"{j}.png", rgb, noise=60, seed=10 * i + j)
    for cls, colours in val_plan.items():
        for j, colour in enumerate(colours):
            write_image(root / "val" / cls / f"{j}.png", COLOURS[colour])
    return root


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("dynast-cache")


@pytest.fixture(scope="session")
def evaluators(cache_dir):
    """One evaluator per OFA supernet, random weights, tables cached in the session's folder."""
    return {
        name: de.load_supernet(name, pretrained=False, cache_dir=str(cache_dir)) for name in OFA_SUPERNETS
    }
