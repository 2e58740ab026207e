"""MACs + params of OFA sub-networks: lookup tables vs building and profiling each sub-network
(DyNAS-T's way), and latency repeatability on this CPU.

python benchmarks/bench_ofa_costs.py [--configs 20]

Needs dynast-lite-evaluators (pip install -e "./evaluators[bench]" for torchprofile, which
DyNAS-T 1.6 calls). Random weights: MACs, params and latency do not depend on weight values.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings

import numpy as np
import torch
from _common import machine, table

import dynast_evaluators as de
from dynast_evaluators.measure import count_macs, count_params, measure_latency

ISSUE_CONFIG = {
    "ks": [5, 7, 5, 5, 3, 3, 3, 7, 5, 5, 3, 7, 7, 3, 3, 3, 5, 5, 5, 5],
    "e": [4, 3, 4, 4, 4, 6, 3, 4, 4, 3, 4, 3, 3, 6, 6, 6, 4, 3, 4, 4],
    "d": [2, 3, 2, 4, 3],
    "wid": None,
    "r": [224],
}


def dynast_way(ev, config) -> tuple[int, int]:
    """What DyNAS-T 1.6 does per config: cut the sub-network out, profile it with torchprofile."""
    from torchprofile import profile_macs

    warnings.filterwarnings("ignore", message="No handlers found")

    sub = ev.subnet(config)
    macs = profile_macs(sub, torch.zeros(1, 3, 224, 224))
    return macs, sum(p.numel() for p in sub.parameters())


def our_counter(ev, config) -> tuple[int, int]:
    sub = ev.subnet(config)
    return count_macs(sub, torch.zeros(1, 3, 224, 224)), count_params(sub)


def per_config(fn, configs) -> float:
    start = time.perf_counter()
    for c in configs:
        fn(c)
    return (time.perf_counter() - start) / len(configs)


def costs(n_configs: int, cache: str) -> None:
    rows = []
    for name in [n for n in de.list_supernets() if n.startswith("ofa_")]:
        start = time.perf_counter()
        ev = de.load_supernet(name, pretrained=False, cache_dir=cache)
        configs = ev.space.decode(ev.space.sample(n_configs, np.random.default_rng(0)))
        ev.exact(configs[:1])
        build = time.perf_counter() - start
        ev.supernet  # noqa: B018  (built outside the timings)
        batch = ev.space.decode(ev.space.sample(1000, np.random.default_rng(1)))
        t_one = per_config(lambda c, ev=ev: ev.measure([c], ["macs", "params"]), configs)
        start = time.perf_counter()
        ev.measure(batch, ["macs", "params"])
        t_batch = (time.perf_counter() - start) / len(batch)
        t_ours = per_config(lambda c, ev=ev: our_counter(ev, c), configs)
        t_dynast = per_config(lambda c, ev=ev: dynast_way(ev, c), configs)
        torchprofile_extra = np.mean(
            [dynast_way(ev, c)[0] - our_counter(ev, c)[0] for c in configs[: min(5, n_configs)]]
        )
        rows.append(
            [
                name,
                f"{build:.2f}",
                f"{t_one * 1e6:.0f}",
                f"{t_batch * 1e6:.1f}",
                f"{t_ours:.3f}",
                f"{t_dynast:.3f}",
                f"{t_dynast / t_one:,.0f}x",
                f"{torchprofile_extra / 1e6:+.1f} M",
            ]
        )
    print(f"\nMACs + params per config ({n_configs} random configs; batch: 1,000 in one call)\n")
    header = ["supernet", "table build s (once)", "table us/config", "table batched us/config"]
    header += ["build + count s", "DyNAS-T (torchprofile) s", "DyNAS-T / table", "torchprofile extra MACs"]
    print(table(header, rows))


def latency(repeats: int) -> None:
    ev = de.load_supernet("ofa_mbv3_d234_e346_k357_w1.0", pretrained=False)
    sub = ev.subnet(ISSUE_CONFIG)
    rows = []
    medians = []
    for i in range(repeats):
        r = measure_latency(sub, torch.zeros(1, 3, 224, 224), batch_size=1, warmup=10, repeats=50)
        medians.append(r.median_ms)
        rows.append([i + 1, f"{r.median_ms:.2f}", f"{r.p10_ms:.2f}", f"{r.p90_ms:.2f}", f"{r.std_ms:.2f}"])
    m = np.array(medians)
    print(
        f"\nLatency of the issue's MobileNetV3-w1.0 sub-network, batch 1, {r.device}, {r.dtype}, "
        f"{r.threads} threads, 10 warm-up + 50 timed passes, {repeats} measurements\n"
    )
    print(table(["run", "median ms", "p10 ms", "p90 ms", "std ms"], rows))
    print(
        f"\nspread of the medians: {m.min():.2f}-{m.max():.2f} ms, "
        f"(max-min)/median {100 * (m.max() - m.min()) / np.median(m):.1f}%, "
        f"CV {100 * m.std() / m.mean():.1f}%"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--configs", type=int, default=20)
    parser.add_argument("--latency-runs", type=int, default=5)
    args = parser.parse_args()
    print(machine() + f", torch {torch.__version__}, {torch.get_num_threads()} threads")
    with tempfile.TemporaryDirectory() as cache:
        costs(args.configs, cache)
    latency(args.latency_runs)
