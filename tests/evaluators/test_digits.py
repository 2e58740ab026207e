"""The embedded elastic_cnn_digits supernet: its data split, closed-form costs against counted
ones, extraction, the one-off training and its cache, and the evaluator's measurements."""

import json

import numpy as np
import pytest
import torch

import dynast_evaluators as de
import dynast_lite as dl
from dynast_evaluators.digits import evaluator as digits_evaluator
from dynast_evaluators.digits.data import load_split
from dynast_evaluators.digits.network import ElasticCNN
from dynast_evaluators.measure import count_macs, count_params
from dynast_lite.operators.duplicates import row_keys

NAME = "elastic_cnn_digits"


@pytest.fixture(scope="module")
def digits(tmp_path_factory):
    """Random weights: enough for costs, latency and the plumbing of accuracy."""
    cache = tmp_path_factory.mktemp("digits-cache")
    return de.load_supernet(NAME, pretrained=False, cache_dir=str(cache), bn_images=64, latency_repeats=3)


def _configs(space, n, seed=0):
    return space.decode(space.sample(n, np.random.default_rng(seed))) + [
        ElasticCNN.largest(),
        ElasticCNN.smallest(),
    ]


def test_split_is_fixed_stratified_and_real():
    a, b = load_split(), load_split()
    assert a.x_train.shape == (1258, 1, 8, 8) and a.x_val.shape == (539, 1, 8, 8)
    assert torch.equal(a.x_val, b.x_val) and torch.equal(a.y_train, b.y_train)
    counts = torch.bincount(a.y_val, minlength=10).numpy()
    assert counts.min() >= 50 and counts.max() <= 56  # about 30% of each digit's ~180 images
    assert abs(float(a.x_train.mean())) < 1e-5  # standardised on the training split


def test_space_is_large_and_registered_like_the_ofa_ones():
    space = de.search_space(NAME)
    assert space.names == ("ks", "e", "d", "w") and space.counts == (9, 9, 3, 3)
    per_block = len(space.choices[0]) * len(space.choices[1])
    per_stage = len(space.choices[3]) * sum(per_block**d for d in space.choices[2])
    assert per_stage**3 > 1e7  # distinct networks (genes of blocks that do not run aside)
    assert NAME in dl.supernets.registered_supernets()


def test_closed_form_costs_equal_counted_ones_and_subnets_compute_what_the_supernet_does(digits):
    configs = _configs(digits.space, 40)
    macs, params = digits.exact(configs)
    net = ElasticCNN().eval()
    x = torch.randn(5, 1, 8, 8)
    for config, m, p in zip(configs, macs, params, strict=True):
        sub = net.extract(config)
        assert count_macs(sub, torch.zeros(1, 1, 8, 8)) == m
        assert count_params(sub) == p
        torch.testing.assert_close(sub(x), net(x, config), atol=1e-5, rtol=1e-5)
    assert macs.max() / macs.min() > 20  # the largest sub-network is ~28x the smallest


def test_inactive_genes_change_nothing_and_are_canonicalised(digits):
    space = digits.space
    a = dict(ElasticCNN.smallest())
    b = {**a, "ks": [3, 5, 5] + a["ks"][3:], "e": [2, 4, 4] + a["e"][3:]}  # blocks 1, 2 of stage 0 off
    X = space.encode([a, b])
    assert row_keys(space.canonical(X))[0] == row_keys(space.canonical(X))[1]
    net = ElasticCNN().eval()
    x = torch.randn(3, 1, 8, 8)
    assert torch.equal(net(x, a), net(x, b))
    assert digits.exact([a])[0][0] == digits.exact([b])[0][0]


def test_measure_is_deterministic_and_leaves_the_supernet_alone(digits):
    configs = _configs(digits.space, 2, seed=1)
    before = {k: v.clone() for k, v in digits.supernet.state_dict().items()}
    first = digits.measure(configs, ["accuracy_top1", "accuracy_top5", "macs", "params", "latency"])
    again = digits.measure(configs, ["accuracy_top1", "macs"])
    assert [r["accuracy_top1"] for r in first] == [r["accuracy_top1"] for r in again]
    assert all(0 <= r["accuracy_top1"] <= r["accuracy_top5"] <= 100 for r in first)
    assert all(isinstance(r["macs"], int) and r["latency"] > 0 for r in first)
    after = digits.supernet.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    report = digits.latency_reports[-1]
    assert report.repeats == 3 and report.batch_size == 1 and report.device == "cpu"


def test_test_fraction_validates_a_seeded_subset(tmp_path):
    ev = de.load_supernet(NAME, pretrained=False, cache_dir=str(tmp_path), test_fraction=0.1, bn_images=32)
    config = ElasticCNN.largest()
    acc = ev.measure([config], ["accuracy_top1"])[0]["accuracy_top1"]
    # 54 of 539 images: a multiple of 100/54
    assert abs(acc * 54 / 100 - round(acc * 54 / 100)) < 1e-9


def test_training_is_cached_with_its_settings_and_a_damaged_cache_is_retrained(tmp_path, monkeypatch):
    ev = de.load_supernet(NAME, cache_dir=str(tmp_path), train_epochs=1)
    net = ev.supernet
    assert ev.weights_file.is_file() and ev.weights_file.parent == tmp_path / "digits"
    info = json.loads(ev.weights_file.with_suffix(".json").read_text())
    assert info["train"]["epochs"] == 1 and info["seconds"] >= 0

    def no_training(*args, **kwargs):
        raise AssertionError("trained again although the supernet is cached")

    monkeypatch.setattr(digits_evaluator, "train_supernet", no_training)
    again = de.load_supernet(NAME, cache_dir=str(tmp_path), train_epochs=1)
    cached = again.supernet.state_dict()
    assert all(torch.equal(v, cached[k]) for k, v in net.state_dict().items())
    # other training settings are another cache entry
    with pytest.raises(AssertionError, match="trained again"):
        de.load_supernet(NAME, cache_dir=str(tmp_path), train_epochs=2).supernet  # noqa: B018
    monkeypatch.undo()
    ev.weights_file.write_bytes(b"not a checkpoint")
    rebuilt = de.load_supernet(NAME, cache_dir=str(tmp_path), train_epochs=1)
    assert all(torch.equal(v, rebuilt.supernet.state_dict()[k]) for k, v in net.state_dict().items())


def test_checkpoints_load_and_foreign_ones_are_one_clear_error(tmp_path):
    net = ElasticCNN()
    torch.save({"state_dict": net.state_dict()}, tmp_path / "mine.pt")
    ev = de.load_supernet(NAME, checkpoint=str(tmp_path / "mine.pt"))
    assert torch.equal(ev.supernet.classifier.weight, net.classifier.weight)
    torch.save({"model": 3}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="holds no state dict"):
        de.load_supernet(NAME, checkpoint=str(tmp_path / "other.pt")).supernet  # noqa: B018
    state = dict(net.state_dict(), extra=torch.zeros(3))
    state["classifier.weight"] = torch.zeros(10, 32)
    torch.save(state, tmp_path / "wrong.pt")
    pattern = (
        r"wrong.pt does not hold weights of elastic_cnn_digits: 1 unexpected \(extra\); "
        r"1 of other shapes \(classifier.weight: \(10, 32\) instead of \(10, 64\)\)$"
    )
    with pytest.raises(ValueError, match=pattern):
        de.load_supernet(NAME, checkpoint=str(tmp_path / "wrong.pt")).supernet  # noqa: B018


@pytest.mark.parametrize(
    "options, match",
    [
        (dict(dataset_path="/data/imagenet"), "bundled digits; it takes no dataset path"),
        (dict(checkpoint="/nowhere.pt"), "checkpoint /nowhere.pt does not exist"),
        (dict(device="tpu9"), "unknown device 'tpu9'"),
        (dict(test_fraction=0), r"test_fraction must be in \(0, 1\]"),
        (dict(wid=3), r"unknown options \['wid'\] for elastic_cnn_digits; valid options are"),
        (dict(train_epochs=0), "training epochs must be >= 1"),
    ],
)
def test_bad_options_name_the_value_and_the_valid_ones(options, match):
    with pytest.raises(ValueError, match=match):
        de.load_supernet(NAME, **options)


def test_configs_outside_the_space_are_rejected(digits):
    bad = {**ElasticCNN.largest(), "ks": [7] * 9}
    with pytest.raises(ValueError, match=r"ks\[0\] = 7 is not a choice of 'ks'; choices are \[3, 5\]"):
        digits.measure([bad], ["macs"])
    with pytest.raises(ValueError, match="cannot measure"):
        digits.measure([ElasticCNN.largest()], ["bleu"])
