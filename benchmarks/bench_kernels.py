"""Non-dominated ranking and exact hypervolume against moocore (pymoo's backend), same process.

Ranks and hypervolumes are checked equal before any time is reported.

    python benchmarks/bench_kernels.py
"""

from __future__ import annotations

import moocore
import numpy as np
from _common import best_time, machine, table

from dynast_lite._kernels import non_dominated_rank
from dynast_lite.indicators import hypervolume


def bench_rank() -> None:
    rng = np.random.default_rng(0)
    rows = []
    for m in (2, 3, 5):
        for n in (100, 1_000, 5_000, 20_000):
            F = rng.random((n, m))
            ours = non_dominated_rank(F)
            theirs = moocore.pareto_rank(F)
            assert np.array_equal(ours, theirs - theirs.min()), (n, m)
            t_ours = best_time(lambda F=F: non_dominated_rank(F))
            t_moo = best_time(lambda F=F: moocore.pareto_rank(F))
            rows.append(
                [
                    m,
                    f"{n:,}",
                    int(ours.max()) + 1,
                    f"{t_ours * 1e3:.3f}",
                    f"{t_moo * 1e3:.3f}",
                    f"{t_ours / t_moo:.2f}",
                ]
            )
    print("\nNon-dominated ranking, uniform random points (ranks equal to moocore's)\n")
    print(table(["M", "N", "fronts", "ours ms", "moocore ms", "ours/moocore"], rows))


def points_on_front(rng: np.random.Generator, n: int, m: int) -> np.ndarray:
    # mutually non-dominated: the positive orthant of the unit sphere
    F = np.abs(rng.normal(size=(n, m)))
    return F / np.linalg.norm(F, axis=1, keepdims=True)


def bench_hypervolume() -> None:
    rng = np.random.default_rng(1)
    rows = []
    for m in (2, 3, 4, 5):
        for n in (100, 1_000):
            F = points_on_front(rng, n, m)
            ref = np.full(m, 1.1)
            ours = hypervolume(F, ref)
            theirs = moocore.hypervolume(F, ref=ref)
            rel = abs(ours - theirs) / theirs
            assert rel <= 1e-12, (n, m, rel)
            t_ours = best_time(lambda F=F, ref=ref: hypervolume(F, ref), repeats=3)
            t_moo = best_time(lambda F=F, ref=ref: moocore.hypervolume(F, ref=ref), repeats=3)
            rows.append(
                [
                    m,
                    f"{n:,}",
                    f"{ours:.12f}",
                    f"{rel:.1e}",
                    f"{t_ours * 1e3:.3f}",
                    f"{t_moo * 1e3:.3f}",
                    f"{t_ours / t_moo:.2f}",
                ]
            )
    print("\nExact hypervolume, non-dominated points on the unit sphere, reference 1.1\n")
    print(table(["M", "N", "hypervolume", "rel. diff", "ours ms", "moocore ms", "ours/moocore"], rows))


if __name__ == "__main__":
    print(machine())
    bench_rank()
    bench_hypervolume()
