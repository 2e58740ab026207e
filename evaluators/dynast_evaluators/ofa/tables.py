"""Exact MACs and parameters of any OFA config from per-unit lookup tables, without building it.

A network's conv/linear MACs and its parameters are sums over its layers, and every layer
belongs to one unit (a block, a stem layer, the classifier) whose size depends on a few genes
only. Each unit is profiled once per variant with the same counter that counts whole networks;
what no gene changes (first convolution, final layers) is the base, found once by counting one
whole sub-network. Tables depend on the resolution and are cached on disk per supernet and
resolution.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..measure import count_macs, count_params
from ..registry import SupernetSpec
from .networks import FAMILIES, Unit

__all__ = ["CostTable", "build_table", "load_table"]

TABLE_FORMAT = 1


@dataclass(frozen=True)
class CostTable:
    """Per-unit costs of one supernet at one resolution.

    Attributes:
        macs, params: int64 arrays (n_units, n_keys); -1 where a key is not a variant.
        base_macs, base_params: what every sub-network has.
    """

    macs: np.ndarray
    params: np.ndarray
    base_macs: int
    base_params: int

    def lookup(self, keys: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """MACs and parameters (int64, shape (n,)) from unit keys and activity, each (n, n_units)."""
        units = np.arange(self.macs.shape[0])[None, :]
        m = self.macs[units, keys]
        p = self.params[units, keys]
        if (m[active] < 0).any():
            raise ValueError("internal error: a config selects a unit variant the table lacks")
        return self.base_macs + (m * active).sum(axis=1), self.base_params + (p * active).sum(axis=1)


def _profile(unit: Unit) -> tuple[dict[int, int], dict[int, int]]:
    macs, params = {}, {}
    for key, (make, _) in unit.variants.items():
        module = make().eval()
        macs[key] = count_macs(module, unit.inputs(key))
        params[key] = count_params(module)
    return macs, params


def build_table(spec: SupernetSpec, net: nn.Module, resolution: int) -> CostTable:
    """Profile every unit variant of ``net`` (the supernet of ``spec``) at ``resolution``."""
    family = FAMILIES[spec.family]
    units = family.units(net, resolution)
    n_keys = 1 + max(max(u.variants) for u in units)
    macs = np.full((len(units), n_keys), -1, dtype=np.int64)
    params = np.full((len(units), n_keys), -1, dtype=np.int64)
    for i, unit in enumerate(units):
        m, p = _profile(unit)
        for key in m:
            macs[i, key], params[i, key] = m[key], p[key]
    # the base: one whole sub-network counted, minus its units
    space = spec.search_space()
    X0 = np.zeros((1, space.n_var))
    config = space.decode(X0)[0]
    sub = family.extract(net, config)
    total_macs = count_macs(sub, torch.zeros(1, 3, resolution, resolution))
    total_params = count_params(sub)
    partial = CostTable(macs, params, 0, 0)
    unit_macs, unit_params = partial.lookup(*family.unit_keys(space, X0))
    return CostTable(macs, params, total_macs - int(unit_macs[0]), total_params - int(unit_params[0]))


def _cache_file(cache_dir: Path, spec: SupernetSpec, resolution: int) -> Path:
    tag = f"ofa{version('ofa')}-f{TABLE_FORMAT}"
    return cache_dir / "tables" / f"{spec.name}-r{resolution}-{tag}.npz"


def load_table(
    spec: SupernetSpec, make_net: Callable[[], nn.Module], resolution: int, cache_dir: Path
) -> CostTable:
    """The cost table from the cache; when missing or unreadable, built from ``make_net()`` (a
    supernet of ``spec``, only constructed then) and cached."""
    path = _cache_file(cache_dir, spec, resolution)
    if path.is_file():
        try:
            with np.load(path) as data:
                return CostTable(
                    data["macs"], data["params"], int(data["base_macs"]), int(data["base_params"])
                )
        except (OSError, KeyError, ValueError):
            pass  # a damaged cache entry is rebuilt below
    table = build_table(spec, make_net(), resolution)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
    np.savez(
        tmp, macs=table.macs, params=table.params, base_macs=table.base_macs, base_params=table.base_params
    )
    os.replace(tmp, path)
    return table
