"""dynast-lite-evaluators: real super-networks for dynast-lite (PyTorch).

``list_supernets`` and ``search_space`` are cheap and do not import torch; ``load_supernet``
builds the supernet and returns its evaluator.
"""

from __future__ import annotations

from typing import Any

import dynast_lite as dl

from .registry import SUPERNETS, SupernetSpec, get_spec

__all__ = ["SUPERNETS", "SupernetSpec", "list_supernets", "load_supernet", "search_space"]


def list_supernets() -> list[str]:
    """Names of the supernets this package provides."""
    return sorted(SUPERNETS)


def search_space(name: str) -> dl.SearchSpace:
    """The search space of supernet ``name``; builds no model, imports no torch."""
    return get_spec(name).search_space()


def load_supernet(name: str, **options: Any) -> Any:
    """Build the evaluator of supernet ``name``.

    Args:
        name: one of :func:`list_supernets`.
        **options: the evaluator's settings, e.g. ``checkpoint`` (a local weights file),
            ``pretrained`` (False: random weights, for tests), ``dataset_path`` (ImageNet-style
            folder with ``train/`` and ``val/``), ``device``, ``batch_size``; see
            :class:`dynast_evaluators.ofa.evaluator.OFASettings`.

    Returns:
        An evaluator with ``metrics``, ``exact_metrics``, ``space`` and ``measure(configs, metrics)``.
    """
    return get_spec(name)(**options)
