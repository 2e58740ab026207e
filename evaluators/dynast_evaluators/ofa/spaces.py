"""Search spaces of the Once-for-All supernets, as DyNAS-T defines them (torch-free).

A candidate's genes follow DyNAS-T's dict format. Blocks beyond a stage's depth do not run, so
their genes are marked inactive: :meth:`~dynast_lite.SearchSpace.features` zeroes their one-hots
and two configs that differ only there are the same network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

import dynast_lite as dl

__all__ = [
    "MBV3_SPEC",
    "PROXYLESS_SPEC",
    "RESNET50_BASE_DEPTHS",
    "RESNET50_SPEC",
    "OFAMobileSpace",
    "OFAResNetSpace",
]

MBV3_SPEC = {
    "ks": {"count": 20, "vars": [3, 5, 7]},
    "e": {"count": 20, "vars": [3, 4, 6]},
    "d": {"count": 5, "vars": [2, 3, 4]},
}
# ProxylessNAS has a sixth stage of one block: 21 elastic blocks, 5 elastic depths. DyNAS-T's
# space stops at 20 blocks, so its last block silently stays at its largest kernel and expansion.
PROXYLESS_SPEC = {
    "ks": {"count": 21, "vars": [3, 5, 7]},
    "e": {"count": 21, "vars": [3, 4, 6]},
    "d": {"count": 5, "vars": [2, 3, 4]},
}
# d[0] skips the input stem's residual block unless it is 2; d[1:] add 0-2 blocks to the four
# stages' base depths; e is one expansion per block (18 at most); w indexes the width
# multipliers [0.65, 0.8, 1.0] of the two stem convolutions and the four stages.
RESNET50_SPEC = {
    "d": {"count": 5, "vars": [0, 1, 2]},
    "e": {"count": 18, "vars": [0.2, 0.25, 0.35]},
    "w": {"count": 6, "vars": [0, 1, 2]},
}
RESNET50_BASE_DEPTHS = (2, 2, 4, 2)


class OFAMobileSpace(dl.SearchSpace):
    """MobileNetV3 / ProxylessNAS: ``ks`` and ``e`` per block, ``d`` (the number of blocks that
    run) per stage of ``stage_size`` blocks. The embedded digits supernet has the same layout.

    Blocks past the last elastic stage (ProxylessNAS's 21st) are always active.
    """

    def __init__(self, spec, fixed=None, stage_size: int = 4):
        super().__init__(spec, fixed)
        self.stage_size = stage_size
        self.n_blocks = self.counts[self.names.index("ks")]
        self.n_stages = self.counts[self.names.index("d")]

    def encode(self, configs):
        """As :meth:`dynast_lite.SearchSpace.encode`; also reads DyNAS-T's ProxylessNAS configs.

        Those list one kernel size and expansion fewer than there are blocks; DyNAS-T never set
        the last block, so it ran at its largest kernel and expansion, which is what they mean.
        """
        if isinstance(configs, Mapping):
            configs = [configs]
        return super().encode([self._complete(c) for c in configs])

    def _complete(self, config):
        if not isinstance(config, Mapping) or self.n_blocks <= self.n_stages * self.stage_size:
            return config
        short = self.n_blocks - 1
        ks, e = config.get("ks"), config.get("e")
        if not (isinstance(ks, Sequence) and isinstance(e, Sequence) and len(ks) == len(e) == short):
            return config
        ks_max = max(self.choices[self.names.index("ks")])
        e_max = max(self.choices[self.names.index("e")])
        return {**config, "ks": [*ks, ks_max], "e": [*e, e_max]}

    def block_active(self, X: np.ndarray) -> np.ndarray:
        """Which blocks run, shape (n, n_blocks) bool."""
        X = np.asarray(X)
        d = self.names.index("d")
        d_col = self._offsets[d]
        depth = np.asarray(self.choices[d], dtype=np.int64)[
            X[:, d_col : d_col + self.n_stages].astype(np.int64)
        ]
        stage = np.arange(self.n_blocks) // self.stage_size
        within = np.arange(self.n_blocks) % self.stage_size
        elastic = stage < self.n_stages
        limit = depth[:, np.minimum(stage, self.n_stages - 1)]
        return ~elastic[None, :] | (within[None, :] < limit)

    def active_genes(self, X: np.ndarray) -> np.ndarray:
        on = self.block_active(X)
        out = np.ones(np.shape(X), dtype=bool)
        for name in ("ks", "e"):
            c = self._offsets[self.names.index(name)]
            out[:, c : c + self.n_blocks] = on
        return out


class OFAResNetSpace(dl.SearchSpace):
    """OFA ResNet50: ``e`` of blocks beyond their stage's depth is inactive."""

    def block_active(self, X: np.ndarray) -> np.ndarray:
        """Which of the 18 bottleneck blocks run, shape (n, 18) bool."""
        X = np.asarray(X)
        d = X[:, 1:5].astype(np.int64)  # d[1:]: extra blocks per stage
        cols = []
        for s, base in enumerate(RESNET50_BASE_DEPTHS):
            pos = np.arange(base + 2)
            cols.append(pos[None, :] < base + d[:, s : s + 1])
        return np.concatenate(cols, axis=1)

    def active_genes(self, X: np.ndarray) -> np.ndarray:
        out = np.ones(np.shape(X), dtype=bool)
        c = self._offsets[self.names.index("e")]
        out[:, c : c + 18] = self.block_active(X)
        return out
