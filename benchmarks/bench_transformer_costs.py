"""MACs + params of Transformer-LT, BERT-base and ViT-base sub-networks: our closed forms (one
config at a time, and 1,000 in one call) against cutting each sub-network out and counting it
(PyTorch's FLOP counter, math attention kernel) and against DyNAS-T's way (cut out, profile with
torchprofile); then latency repeatability of one sub-network of each with the evaluators' own
protocols on this CPU. Random weights: costs and latency do not depend on them. Needs the
evaluators (and torchprofile, ``pip install -e "./evaluators[bench]"``, for DyNAS-T's way)."""

from __future__ import annotations

import importlib.util
import warnings

import numpy as np
import pytest
from _harness import latency_spread, time_exact_costs
from _mode import pick

torch = pytest.importorskip("torch")
de = pytest.importorskip("dynast_evaluators")

from torch.nn.attention import SDPBackend, sdpa_kernel  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from dynast_evaluators.measure import count_params  # noqa: E402

SUPERNETS = ["transformer_lt_wmt_en_de", "bert_base_sst2", "vit_base_imagenet"]
IMPLS = ["dynast-lite closed form, one by one", "dynast-lite closed form, batch of 1,000"]
IMPLS += ["cut out + count", "DyNAS-T way (cut out + torchprofile)"]


@pytest.fixture(scope="module")
def evaluators():
    out = {}
    for name in SUPERNETS:
        # each evaluator's own latency protocol when measuring; one pass in quick mode
        quick = pick({"latency_repeats": 1, "latency_warmup": 0}, {})
        ev = de.load_supernet(name, pretrained=False, **quick)
        ev.supernet  # noqa: B018 - built outside the timings
        out[name] = ev
    return out


def _inputs(name: str):
    """The input each supernet's MACs are defined on (batch 1)."""
    if name.startswith("transformer"):
        src = torch.full((1, 30), 7)
        src[0, 0] = 2
        return (src, torch.full((1, 30), 7)), {}
    if name.startswith("bert"):
        ids = torch.zeros(1, 128, dtype=torch.long)
        return (), {"input_ids": ids, "attention_mask": torch.ones_like(ids), "token_type_ids": ids}
    return (), {"pixel_values": torch.zeros(1, 3, 224, 224)}


def _counted(sub, name: str) -> int:
    args, kwargs = _inputs(name)
    with torch.no_grad(), FlopCounterMode(display=False) as counter, sdpa_kernel(SDPBackend.MATH):
        sub(*args, **kwargs)
    return counter.get_total_flops() // 2


def _torchprofile(sub, name: str) -> int:
    from torchprofile import profile_macs

    args, kwargs = _inputs(name)
    if kwargs:  # a transformers model: trace its logits from positional inputs
        keys = list(kwargs)

        class Positional(torch.nn.Module):
            def __init__(self, model):
                super().__init__()
                self.model = model

            def forward(self, *xs):
                return self.model(**dict(zip(keys, xs, strict=True))).logits

        sub, args = Positional(sub), tuple(kwargs.values())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return int(profile_macs(sub, args))


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("name", SUPERNETS)
def test_macs_and_params(measure, evaluators, impl, name):
    ev = evaluators[name]
    configs = ev.space.decode(ev.space.sample(pick(2, 10), np.random.default_rng(0)))
    batch = ev.space.decode(ev.space.sample(1_000, np.random.default_rng(1)))
    closed = ev.exact(configs)
    count = None
    if impl.startswith("DyNAS-T"):
        if importlib.util.find_spec("torchprofile") is None:
            pytest.skip("torchprofile is not installed")
        count = _torchprofile
    elif impl == "cut out + count":
        count = _counted

    def count_one(sub):
        macs = count(sub, name)
        count_params(sub)
        return macs

    counted = time_exact_costs(
        measure, ev, impl, configs, batch, None if count is None else count_one, rounds=pick(1, 3)
    )
    if counted:  # how the count compares with the closed form (torchprofile adds elementwise terms)
        measure.benchmark.extra_info["counted_over_closed_form"] = float(
            np.mean(np.array(counted) / closed[0])
        )


@pytest.mark.parametrize("name", SUPERNETS)
def test_latency_repeatability(measure, evaluators, name):
    ev = evaluators[name]
    config = ev.space.decode(ev.space.sample(1, np.random.default_rng(2)))[0]
    medians: list[float] = []

    def runs():
        medians.clear()
        medians.extend(ev.latency(config).median_ms for _ in range(pick(2, 5)))

    measure(runs, f"latency of one {name} sub-network, batch 1, CPU", rounds=1)
    info = measure.benchmark.extra_info
    info.update(latency_spread(medians))
    info["repeats"] = ev.settings.latency_repeats
    info["threads"] = torch.get_num_threads()
