"""MACs + params of OFA sub-networks: our lookup tables (one config at a time, and 1,000 in one
call) against what DyNAS-T 1.6 does per config (cut the sub-network out, profile it with
torchprofile) and against cutting out + our exact counter; then latency repeatability of one
MobileNetV3 sub-network on this CPU. Random weights: costs and latency do not depend on them.
Needs the evaluators (and torchprofile, ``pip install -e "./evaluators[bench]"``, for DyNAS-T's
way; that case skips without it)."""

from __future__ import annotations

import importlib.util
import warnings

import numpy as np
import pytest
from _harness import latency_spread, time_exact_costs
from _mode import pick

torch = pytest.importorskip("torch")
de = pytest.importorskip("dynast_evaluators")

from dynast_evaluators.measure import count_macs, count_params, measure_latency  # noqa: E402

OFA = ["ofa_mbv3_d234_e346_k357_w1.0", "ofa_proxyless_d234_e346_k357_w1.3", "ofa_resnet50"]
SUPERNETS = pick(OFA[:1], OFA)
ISSUE_CONFIG = {
    "ks": [5, 7, 5, 5, 3, 3, 3, 7, 5, 5, 3, 7, 7, 3, 3, 3, 5, 5, 5, 5],
    "e": [4, 3, 4, 4, 4, 6, 3, 4, 4, 3, 4, 3, 3, 6, 6, 6, 4, 3, 4, 4],
    "d": [2, 3, 2, 4, 3],
    "wid": None,
    "r": [224],
}
IMPLS = ["dynast-lite lookup, one by one", "dynast-lite lookup, batch of 1,000", "cut out + exact count"]
IMPLS += ["DyNAS-T way (cut out + torchprofile)"]


@pytest.fixture(scope="module")
def evaluators(tmp_path_factory):
    cache = str(tmp_path_factory.mktemp("tables"))
    out = {}
    for name in SUPERNETS:
        ev = de.load_supernet(name, pretrained=False, cache_dir=cache)
        ev.exact(ev.space.decode(ev.space.sample(1, np.random.default_rng(0))))  # build the table
        ev.supernet  # noqa: B018 - built outside the timings
        out[name] = ev
    return out


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("name", SUPERNETS)
def test_macs_and_params(measure, evaluators, impl, name):
    ev = evaluators[name]
    configs = ev.space.decode(ev.space.sample(pick(3, 20), np.random.default_rng(0)))
    batch = ev.space.decode(ev.space.sample(1_000, np.random.default_rng(1)))
    r = configs[0]["r"][0] if "r" in configs[0] else 224
    x = torch.zeros(1, 3, r, r)
    count_one = None
    if impl.startswith("DyNAS-T"):
        if importlib.util.find_spec("torchprofile") is None:
            pytest.skip("torchprofile is not installed")
        from torchprofile import profile_macs

        warnings.filterwarnings("ignore", message="No handlers found")

        def count_one(sub):
            return profile_macs(sub, x), sum(p.numel() for p in sub.parameters())
    elif impl == "cut out + exact count":

        def count_one(sub):
            return count_macs(sub, x), count_params(sub)

    time_exact_costs(measure, ev, impl, configs, batch, count_one, rounds=pick(1, 3))


def test_latency_repeatability(measure, evaluators):
    ev = evaluators[SUPERNETS[0]]
    sub = ev.subnet(ISSUE_CONFIG)
    medians = []

    def runs():
        medians.clear()
        for _ in range(pick(2, 5)):
            medians.append(
                measure_latency(
                    sub, torch.zeros(1, 3, 224, 224), batch_size=1, warmup=10, repeats=50
                ).median_ms
            )

    measure(runs, "latency of one MobileNetV3-w1.0 sub-network, batch 1, CPU", rounds=1)
    info = measure.benchmark.extra_info
    info.update(latency_spread(medians))
    info["threads"] = torch.get_num_threads()
