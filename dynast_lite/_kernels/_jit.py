"""Compile kernels with numba when it is available, fall back to plain Python otherwise.

Set ``DYNAST_LITE_DISABLE_NUMBA=1`` to force the fallback (used by the parity tests and by
platforms without numba wheels). Every kernel keeps its undecorated implementation reachable
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
