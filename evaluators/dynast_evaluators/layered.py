"""Search spaces of layered networks (torch-free): per-layer genes that stop mattering beyond a
searched layer count, as in the Transformer-LT decoder and the elastic BERT and ViT encoders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

import dynast_lite as dl

__all__ = ["LayeredSpace", "gene_values"]


def gene_values(space: dl.SearchSpace, X: np.ndarray) -> dict[str, np.ndarray]:
    """The chosen values of index rows, parameter by parameter.

    Args:
        space: the search space.
        X: index rows, shape (n, n_var); assumed valid.

    Returns:
        name -> array (n, count) of the values (not indices).
    """
    Xi = np.asarray(X).astype(np.int64)
    out = {}
    for p, name in enumerate(space.names):
        cols = Xi[:, space._offsets[p] : space._offsets[p + 1]]
        out[name] = np.asarray(space.choices[p])[cols]
    return out


class LayeredSpace(dl.SearchSpace):
    """A space whose ``per_layer`` parameters hold one gene per layer and whose ``depth``
    parameter says how many layers run: genes of layers at or beyond the depth are inactive,
    so :meth:`~dynast_lite.SearchSpace.features` zeroes them and configs that differ only
    there are the same network.

    Args:
        spec: DyNAS-T's dict format.
        fixed: constant entries of every config.
        depth: name of the layer-count parameter (one gene).
        per_layer: names of the per-layer parameters (``count`` = the most layers).
    """

    def __init__(
        self,
        spec: Mapping[str, Mapping[str, Any]],
        fixed: Mapping[str, Any] | None = None,
        *,
        depth: str,
        per_layer: Sequence[str],
    ):
        super().__init__(spec, fixed)
        if depth not in self.names:
            raise ValueError(f"depth parameter {depth!r} is not in the space {list(self.names)}")
        missing = [n for n in per_layer if n not in self.names]
        if missing:
            raise ValueError(f"per-layer parameters {missing} are not in the space {list(self.names)}")
        self.depth = depth
        self.per_layer = tuple(per_layer)

    def active_genes(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X).astype(np.int64)
        d = self.names.index(self.depth)
        layers = np.asarray(self.choices[d], dtype=np.int64)[X[:, self._offsets[d]]]
        out = np.ones(X.shape, dtype=bool)
        for name in self.per_layer:
            p = self.names.index(name)
            start, count = self._offsets[p], self.counts[p]
            out[:, start : start + count] = np.arange(count)[None, :] < layers[:, None]
        return out
