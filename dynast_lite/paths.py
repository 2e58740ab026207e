"""Where dynast-lite keeps what it caches: ``$DYNAST_LITE_CACHE``, else ``~/.cache/dynast-lite``
(weights, cost tables, the trained digits supernet, compiled kernels)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_dir"]


def cache_dir() -> Path:
    """``$DYNAST_LITE_CACHE`` or ``~/.cache/dynast-lite``."""
    env = os.environ.get("DYNAST_LITE_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "dynast-lite"
