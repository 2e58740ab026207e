"""Start-up: ``import dynast_lite`` and ``dynast-lite --help`` in a fresh process (numba cache
warm), against importing pymoo's NSGA-II, what DyNAS-T imports to search; the time in the
process itself (Python start-up excluded) and the memory of the process after it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from _mode import pick

CODE = {
    "dynast-lite: import dynast_lite": "import dynast_lite",
    "dynast-lite: dynast-lite --help": (
        "from dynast_lite.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    ),
    "pymoo: from pymoo.algorithms.moo.nsga2 import NSGA2": "from pymoo.algorithms.moo.nsga2 import NSGA2",
}
PROBE = """
import io, json, contextlib, time
t = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
{code}
seconds = time.perf_counter() - t
# the peak of this process since its exec (ru_maxrss would carry over the parent's size)
rss = next(int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmHWM:")) / 1024
print(json.dumps({{"seconds": seconds, "rss_mb": rss}}))
"""


def _once(code: str) -> dict:
    body = "\n".join("    " + line for line in code.splitlines())
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(code=body)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("impl", list(CODE))
def test_startup(measure, impl):
    _once(CODE[impl])  # numba and the import caches warm
    runs = []

    def fresh_processes():
        runs.clear()
        runs.extend(_once(CODE[impl]) for _ in range(pick(1, 7)))

    measure(fresh_processes, "start-up in a fresh process", rounds=1)
    info = measure.benchmark.extra_info
    info["seconds_in_process_best"] = min(r["seconds"] for r in runs)
    info["rss_mb"] = max(r["rss_mb"] for r in runs)
    info["seconds_per_seed"] = info["seconds_in_process_best"]  # what compare.py tabulates
