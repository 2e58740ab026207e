"""Lazy package attributes (PEP 562): a package names what it offers and imports each module
only when one of its names is first used, so ``import dynast_lite`` and ``dynast-lite --help``
do not pay for numba, SciPy or the algorithms they do not touch."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_attributes"]


def lazy_attributes(
    package: str, names: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``.

    Args:
        package: the package's ``__name__``.
        names: attribute -> ``".module"`` (a submodule) or ``".module:attribute"``.
    """

    def __getattr__(name: str) -> Any:
        target = names.get(name)
        if target is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _, attr = target.partition(":")
        value = importlib.import_module(module, package)
        return getattr(value, attr) if attr else value

    def __dir__() -> list[str]:
        return sorted(names)

    return __getattr__, __dir__
