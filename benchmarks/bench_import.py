"""Import time of ``dynast_lite`` in a fresh process, numba cache warm (best of 5).

python benchmarks/bench_import.py
"""

from __future__ import annotations

import subprocess
import sys

CODE = "import time; t = time.perf_counter(); import dynast_lite; print(time.perf_counter() - t)"

if __name__ == "__main__":
    subprocess.run([sys.executable, "-c", "import dynast_lite"], check=True)
    times = [
        float(subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True).stdout)
        for _ in range(5)
    ]
    print(f"import dynast_lite: best {min(times):.3f} s, median {sorted(times)[2]:.3f} s")
