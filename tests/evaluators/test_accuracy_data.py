"""Accuracy on an image folder, BatchNorm recalibration and the folder loaders, on generated
images whose answers are known by hand."""

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn

from dynast_evaluators.data import MEAN, STD, ImageFolderData, eval_transform
from dynast_evaluators.measure import evaluate_accuracy, recalibrate_bn

from .conftest import make_image_folder

# blue, green, red are classes 0, 1, 2 (sorted folder names)
VAL_PLAN = {
    "blue": ["blue", "blue", "red"],
    "green": ["green", "blue", "green", "green"],
    "red": ["red", "red"],
}


class ColourNet(nn.Module):
    """Logits = mean of each input channel, ordered (blue, green, red) as the class folders."""

    def __init__(self, bn: bool = False):
        super().__init__()
        self.bn = nn.BatchNorm2d(3) if bn else nn.Identity()
        self.scale = nn.Parameter(torch.ones(1))

    def forward(self, x):
        x = self.bn(x).mean(dim=(2, 3)) * self.scale
        return x[:, [2, 1, 0]]


@pytest.fixture
def folder(tmp_path):
    return make_image_folder(tmp_path / "imagenet", VAL_PLAN)


def test_accuracy_on_a_folder_equals_the_hand_count(folder):
    data = ImageFolderData(folder, batch_size=2, num_workers=0)  # 9 images: the last batch has 1
    acc = evaluate_accuracy(ColourNet(), data.val_loader(16), topk=(1, 5))
    assert acc[1] == pytest.approx(100 * 7 / 9)  # blue/red and green/blue are wrong
    assert acc[5] == 100.0  # three classes: every label is in the top 5
    # after normalisation an off-colour's absent channels rank green lowest: both misses are
    # second choices (red image: red, blue, green; blue image: blue, green, red)
    assert evaluate_accuracy(ColourNet(), data.val_loader(16), topk=(2,))[2] == 100.0


def test_test_fraction_is_a_seeded_subset(folder):
    a = ImageFolderData(folder, test_fraction=0.5, num_workers=0, seed=3).val_loader(16)
    b = ImageFolderData(folder, test_fraction=0.5, num_workers=0, seed=3).val_loader(16)
    c = ImageFolderData(folder, test_fraction=0.5, num_workers=0, seed=4).val_loader(16)
    assert len(a.dataset) == round(0.5 * 9) == 4
    assert a.dataset.indices == b.dataset.indices
    assert a.dataset.indices != c.dataset.indices


def _subset_pixels(loader) -> torch.Tensor:
    return torch.cat([x for x, _ in loader])


def test_bn_recalibration_gives_the_subset_statistics(folder):
    data = ImageFolderData(folder, bn_images=5, bn_batch_size=5, num_workers=0, seed=1)
    model = ColourNet(bn=True)
    with torch.no_grad():
        model.bn.running_mean.fill_(7.0)
    net = recalibrate_bn(model, data.bn_loader(16))
    pixels = _subset_pixels(data.bn_loader(16))  # one batch holds the whole subset
    per_channel = pixels.transpose(0, 1).reshape(3, -1)
    assert torch.allclose(net.bn.running_mean, per_channel.mean(dim=1), atol=1e-5)
    assert torch.allclose(net.bn.running_var, per_channel.var(dim=1, unbiased=True), atol=1e-4)
    assert float(model.bn.running_mean[0]) == 7.0  # the caller's model is untouched
    assert not net.training and net.bn.momentum == model.bn.momentum


def test_bn_recalibration_is_deterministic_per_seed(folder):
    def stats(seed):
        data = ImageFolderData(folder, bn_images=4, bn_batch_size=3, num_workers=0, seed=seed)
        return recalibrate_bn(ColourNet(bn=True), data.bn_loader(16)).bn.running_mean

    assert torch.equal(stats(0), stats(0))
    assert not torch.equal(stats(0), stats(1))


def test_eval_transform_follows_ofa(tmp_path):
    img = Image.fromarray(np.full((300, 400, 3), 255, np.uint8))
    x = eval_transform(224)(img)
    assert tuple(x.shape) == (3, 224, 224)
    assert torch.allclose(x[:, 0, 0], (1 - torch.tensor(MEAN)) / torch.tensor(STD))


def test_missing_or_mismatched_folders_get_one_clear_error(tmp_path, folder):
    with pytest.raises(ValueError, match="does not exist"):
        ImageFolderData(tmp_path / "nowhere")
    (tmp_path / "only_train" / "train" / "a").mkdir(parents=True)
    with pytest.raises(ValueError, match="no val/ folder"):
        ImageFolderData(tmp_path / "only_train")
    (folder / "val" / "purple").mkdir()
    with pytest.raises(ValueError, match="purple"):
        ImageFolderData(folder)


def test_a_class_folder_without_images_is_a_clear_error(folder):
    (folder / "val" / "green").rename(folder / "val" / "green_old")
    (folder / "val" / "green").mkdir()
    (folder / "train" / "green_old").mkdir()
    for p in (folder / "train" / "green").iterdir():
        p.rename(folder / "train" / "green_old" / p.name)
    data = ImageFolderData(folder, num_workers=0)
    with pytest.raises(ValueError, match="green"):
        data.val_loader(16)


def test_recalibration_needs_images():
    with pytest.raises(ValueError, match="no batches"):
        recalibrate_bn(ColourNet(bn=True), [])
