"""count_macs / count_params / measure_latency: oracles, and the caller's model left untouched."""

import copy

import pytest
import torch
from torch import nn

from dynast_evaluators.measure import LatencyReport, count_macs, count_params, measure_latency


def small_net() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, stride=2, padding=1),  # out 8x8x8
        nn.BatchNorm2d(8),
        nn.ReLU(),
        nn.Conv2d(8, 8, 5, padding=2, groups=8),  # depthwise, out 8x8x8
        nn.Conv2d(8, 16, 1),  # out 16x8x8
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(16, 10),
    )


def test_count_macs_matches_the_hand_count():
    expected = 3 * 9 * (8 * 8 * 8) + 1 * 25 * (8 * 8 * 8) + 8 * 1 * (16 * 8 * 8) + 16 * 10
    assert count_macs(small_net(), torch.zeros(1, 3, 16, 16)) == expected


def test_count_macs_scales_with_the_batch_and_is_an_int():
    net = small_net()
    one = count_macs(net, torch.zeros(1, 3, 16, 16))
    assert isinstance(one, int)
    assert count_macs(net, torch.zeros(3, 3, 16, 16)) == 3 * one


def test_count_params_counts_every_parameter_frozen_or_not():
    net = small_net()
    expected = (3 * 9 * 8 + 8) + 16 + (25 * 8 + 8) + (8 * 16 + 16) + (16 * 10 + 10)
    net[0].weight.requires_grad_(False)
    assert count_params(net) == expected


def test_counting_leaves_the_model_as_it_was():
    net = small_net().train()
    before = copy.deepcopy(net.state_dict())
    count_macs(net, torch.randn(2, 3, 16, 16))
    assert net.training and all(m.training for m in net.modules())
    assert all(not m._forward_hooks for m in net.modules())
    after = net.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)  # BN statistics not updated


def test_latency_report_and_protocol():
    net = small_net().train()
    before = copy.deepcopy(net.state_dict())
    r = measure_latency(net, torch.zeros(1, 3, 16, 16), device="cpu", batch_size=4, warmup=2, repeats=7)
    assert isinstance(r, LatencyReport)
    assert r.p10_ms <= r.median_ms <= r.p90_ms and r.median_ms > 0
    assert (r.repeats, r.warmup, r.batch_size, r.device, r.dtype) == (7, 2, 4, "cpu", "float32")
    assert r.threads == torch.get_num_threads()
    assert set(r.to_dict()) >= {"median_ms", "p10_ms", "p90_ms", "device", "dtype", "batch_size", "threads"}
    assert net.training
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())


def test_latency_rejects_bad_protocols():
    with pytest.raises(ValueError, match="repeats"):
        measure_latency(small_net(), torch.zeros(1, 3, 8, 8), repeats=0)
    with pytest.raises(ValueError, match="batch_size"):
        measure_latency(small_net(), torch.zeros(1, 3, 8, 8), batch_size=0)
