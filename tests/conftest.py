import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def tie_heavy(rng: np.random.Generator, n: int, m: int, levels: int = 3) -> np.ndarray:
    """Points on a coarse grid with repeated rows: many equal coordinates and duplicates."""
    F = rng.integers(0, levels, size=(n, m)).astype(float)
    if n > 2:
        F[n // 2] = F[0]
        F[-1] = F[1]
    return F
