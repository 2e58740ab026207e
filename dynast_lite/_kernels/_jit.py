"""Compile kernels with numba when it is available, fall back to plain Python otherwise.

Set ``DYNAST_LITE_DISABLE_NUMBA=1`` to force the fallback (used by the parity tests and by
platforms without numba wheels). Compiled kernels are cached in dynast-lite's cache directory
(``numba/`` under ``$DYNAST_LITE_CACHE`` or ``~/.cache/dynast-lite``) unless
``NUMBA_CACHE_DIR`` says otherwise, so nothing is written beside the installed sources.
Every kernel keeps its undecorated implementation reachable
through :func:`python_impl`, so tests can compare the compiled and the plain versions.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)

try:
    if os.environ.get("DYNAST_LITE_DISABLE_NUMBA", "0") == "1":
        raise ImportError("numba disabled by DYNAST_LITE_DISABLE_NUMBA")
    from ..paths import cache_dir

    os.environ.setdefault("NUMBA_CACHE_DIR", str(cache_dir() / "numba"))
    import numba

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - exercised on platforms without numba
    numba = None
    HAVE_NUMBA = False


def jit(fn: F) -> F:
    """Compile ``fn`` once with ``numba.njit(cache=True)``, or return it unchanged without numba."""
    if not HAVE_NUMBA:
        return fn
    return numba.njit(cache=True)(fn)


def python_impl(fn: Callable) -> Callable:
    """The undecorated implementation of a kernel (itself when numba is absent)."""
    return getattr(fn, "py_func", fn)
