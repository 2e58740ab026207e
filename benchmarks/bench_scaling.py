"""Large populations: NSGA-II with pop 10,000 on ZDT1 for 20 generations, duplicate elimination
on, against pymoo 0.6 (3 generations: its duplicate check is O(N^2) per generation). Each run is
a fresh process; peak memory is the process's maximum resident set, and its growth over the
same process after imports and kernel loading.

    python benchmarks/bench_scaling.py
"""

from __future__ import annotations

import json
import subprocess
import sys

from _common import machine, table

OURS = """
import json, resource, time, numpy as np, dynast_lite as dl
p = dl.problems.zdt1()
dl.minimize(p, dl.algorithms.NSGA2(pop_size=100, seed=0), n_evals=300)  # load the kernels
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
stamps = []
t0 = time.perf_counter()
res = dl.minimize(p, dl.algorithms.NSGA2(pop_size=10_000, seed=0), n_evals=20 * 10_000,
                  callback=lambda a: stamps.append(time.perf_counter()))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
gens = np.diff(np.r_[t0, stamps])
print(json.dumps({"per_gen": float(np.median(gens[1:])), "first": float(gens[0]),
                  "total": float(stamps[-1] - t0), "peak_mb": peak / 1024,
                  "growth_mb": (peak - base) / 1024, "gens": len(stamps)}))
"""

PYMOO = """
import json, resource, time, numpy as np
from pymoo.algorithms.moo.nsga2 import NSGA2
from pymoo.problems import get_problem
from pymoo.core.callback import Callback
stamps = []
class Stamp(Callback):
    def notify(self, algorithm):
        stamps.append(time.perf_counter())
from pymoo.optimize import minimize
minimize(get_problem("zdt1"), NSGA2(pop_size=100), ("n_gen", 3), seed=0)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
stamps.clear()
t0 = time.perf_counter()
minimize(get_problem("zdt1"), NSGA2(pop_size=10_000), ("n_gen", 3), seed=0, callback=Stamp())
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
gens = np.diff(np.r_[t0, stamps])
print(json.dumps({"per_gen": float(np.median(gens[1:])), "first": float(gens[0]),
                  "total": float(stamps[-1] - t0), "peak_mb": peak / 1024,
                  "growth_mb": (peak - base) / 1024, "gens": len(stamps)}))
"""


def measure(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    print(machine())
    ours = measure(OURS)
    theirs = measure(PYMOO)
    rows = [
        [
            "dynast-lite",
            ours["gens"],
            f"{ours['first']:.3f}",
            f"{ours['per_gen']:.3f}",
            f"{ours['peak_mb']:.0f}",
            f"{ours['growth_mb']:.0f}",
        ],
        [
            "pymoo 0.6",
            theirs["gens"],
            f"{theirs['first']:.3f}",
            f"{theirs['per_gen']:.3f}",
            f"{theirs['peak_mb']:.0f}",
            f"{theirs['growth_mb']:.0f}",
        ],
    ]
    print("\nNSGA-II, pop 10,000, ZDT1 (n_var 30), duplicate elimination on\n")
    print(
        table(
            ["library", "generations", "first gen s", "s per later gen", "peak RSS MB", "RSS growth MB"], rows
        )
    )
    print(f"\nper-generation time ratio ours/pymoo: {ours['per_gen'] / theirs['per_gen']:.4f}")
