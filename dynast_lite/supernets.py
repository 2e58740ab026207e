"""Finding supernets: the ``dynast_lite.supernets`` entry-point group, or ``module:factory``.

A package registers a supernet by naming, in that group, a callable that takes the evaluator's
options as keywords and returns an evaluator. ``dynast-lite-evaluators`` registers the
Once-for-All supernets there; a user's package can add more without editing ours. Nothing here
imports torch: a factory is only imported when it is asked for.
"""

from __future__ import annotations

import importlib
from importlib.metadata import EntryPoint, entry_points
from typing import Any

__all__ = ["ENTRY_POINT_GROUP", "load_supernet", "registered_supernets", "resolve_supernet"]

ENTRY_POINT_GROUP = "dynast_lite.supernets"


def registered_supernets() -> dict[str, EntryPoint]:
    """Name -> entry point of every registered supernet."""
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def resolve_supernet(name: str) -> Any:
    """The factory of supernet ``name`` (a registered name, or ``package.module:factory``)."""
    if ":" in name:
        module, _, attr = name.partition(":")
        try:
            return getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as err:
            raise ValueError(f"cannot load supernet factory {name!r}: {err}") from err
    registered = registered_supernets()
    if name not in registered:
        hint = "" if registered else " (none registered: pip install ./evaluators for the OFA supernets)"
        raise ValueError(
            f"unknown supernet {name!r}; choose from {sorted(registered)}{hint}, "
            "or give package.module:factory"
        )
    return registered[name].load()


def load_supernet(name: str, **options: Any) -> Any:
    """Build the evaluator of supernet ``name`` with ``options``."""
    return resolve_supernet(name)(**options)
