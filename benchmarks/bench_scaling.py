"""Large populations: NSGA-II with pop 10,000 on ZDT1, duplicate elimination on, against
pymoo 0.6 (3 generations: its duplicate check is O(N^2) per generation). Each run is a fresh
process: seconds per generation after the first, peak memory, and its growth over the process
after imports and kernel loading. Memory is the process's own high-water mark (``VmHWM``):
``ru_maxrss`` of a child carries over the parent's size from before its ``exec``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from _mode import pick

POP = pick(500, 10_000)
HWM = """
def hwm():  # MB; this process's peak resident memory since its exec
    return next(int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmHWM:")) / 1024
"""
OURS = (
    HWM
    + """
import json, time, numpy as np, dynast_lite as dl
p = dl.problems.zdt1()
dl.minimize(p, dl.algorithms.NSGA2(pop_size=100, seed=0), n_evals=300)  # load the kernels
base = hwm()
stamps = []
t0 = time.perf_counter()
dl.minimize(p, dl.algorithms.NSGA2(pop_size={pop}, seed=0), n_evals={gens} * {pop},
            callback=lambda a: stamps.append(time.perf_counter()))
peak = hwm()
gens = np.diff(np.r_[t0, stamps])
print(json.dumps({{"per_gen": float(np.median(gens[1:])), "peak_mb": peak,
                  "growth_mb": peak - base, "gens": len(stamps)}}))
"""
)
PYMOO = (
    HWM
    + """
import json, time, numpy as np
from pymoo.algorithms.moo.nsga2 import NSGA2
from pymoo.problems import get_problem
from pymoo.core.callback import Callback
from pymoo.optimize import minimize
stamps = []
class Stamp(Callback):
    def notify(self, algorithm):
        stamps.append(time.perf_counter())
minimize(get_problem("zdt1"), NSGA2(pop_size=100), ("n_gen", 3), seed=0)
base = hwm()
stamps.clear()
t0 = time.perf_counter()
minimize(get_problem("zdt1"), NSGA2(pop_size={pop}), ("n_gen", {gens}), seed=0, callback=Stamp())
peak = hwm()
gens = np.diff(np.r_[t0, stamps])
print(json.dumps({{"per_gen": float(np.median(gens[1:])), "peak_mb": peak,
                  "growth_mb": peak - base, "gens": len(stamps)}}))
"""
)


@pytest.mark.parametrize("impl", ["dynast-lite", "pymoo"])
def test_population_of_ten_thousand(measure, impl):
    code = (OURS if impl == "dynast-lite" else PYMOO).format(
        pop=POP, gens=pick(3, 20) if impl == "dynast-lite" else 3
    )
    out = {}

    def run():
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        out.update(json.loads(done.stdout.strip().splitlines()[-1]))

    measure(run, f"NSGA-II, pop {POP:,}, ZDT1, duplicate elimination (fresh process)", rounds=1)
    info = measure.benchmark.extra_info
    info.update(out)
    info["seconds_per_seed"] = out["per_gen"]  # compare.py's ratio column: seconds per generation
