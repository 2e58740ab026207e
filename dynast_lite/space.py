"""Search spaces in DyNAS-T's dict format, and the index encoding the search core works on."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["SearchSpace"]


def _hashable(value: Any) -> Any:
    # JSON turns tuples into lists; choices are compared by value either way
    return tuple(value) if isinstance(value, list) else value


class SearchSpace:
    """An ordered set of named parameters, each a ``count`` of positions over a list of choices.

    Accepts DyNAS-T's format, e.g.
    ``{"ks": {"count": 20, "vars": [3, 5, 7]}, "d": {"count": 5, "vars": [2, 3, 4]}}``.
    A candidate is a row of choice indices, parameter by parameter, position by position;
    ``n_var`` is the total number of positions. ``fixed`` holds constant entries of every
    config (DyNAS-T writes ``"wid": None`` for OFA MobileNetV3).

    Subclasses may override :meth:`active_genes` to mark positions that do not change the
    network (e.g. blocks beyond a stage's depth); :meth:`features` then zeroes their one-hots.
    """

    def __init__(self, spec: Mapping[str, Mapping[str, Any]], fixed: Mapping[str, Any] | None = None):
        if not isinstance(spec, Mapping) or not spec:
            raise ValueError(
                f"a search space must be a non-empty dict of parameters, got {type(spec).__name__}"
            )
        names: list[str] = []
        counts: list[int] = []
        choices: list[tuple] = []
        for name, entry in spec.items():
            if not isinstance(name, str) or not name:
                raise ValueError(f"parameter names must be non-empty strings, got {name!r}")
            if not isinstance(entry, Mapping) or set(entry) - {"count", "vars"} or "vars" not in entry:
                raise ValueError(
                    f"parameter {name!r} must be a dict with keys 'count' and 'vars', got {entry!r}"
                )
            count = entry.get("count", 1)
            if isinstance(count, bool) or not isinstance(count, int) or count < 1:
                raise ValueError(f"parameter {name!r}: count must be a positive int, got {count!r}")
            values = entry["vars"]
            if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
                raise ValueError(
                    f"parameter {name!r}: vars must be a non-empty list of choices, got {values!r}"
                )
            values = tuple(_hashable(v) for v in values)
            if len(set(values)) != len(values):
                raise ValueError(f"parameter {name!r}: vars has repeated choices {list(values)!r}")
            names.append(name)
            counts.append(count)
            choices.append(values)
        fixed = dict(fixed or {})
        clash = set(fixed) & set(names)
        if clash:
            raise ValueError(f"fixed entries {sorted(clash)} are also searched parameters")
        self.names = tuple(names)
        self.counts = tuple(counts)
        self.choices = tuple(choices)
        self.fixed = fixed
        self._index = tuple({v: i for i, v in enumerate(vals)} for vals in choices)
        # parameters whose choices are all plain numbers take the vectorised encode/decode path
        self._numeric = tuple(
            all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals) for vals in choices
        )
        self._values = tuple(
            np.array(vals, dtype=object) if num else None
            for vals, num in zip(choices, self._numeric, strict=True)
        )
        self._offsets = np.concatenate([[0], np.cumsum(counts)]).astype(int)
        self.n_var = int(self._offsets[-1])
        self.n_choices = np.repeat([len(c) for c in choices], counts).astype(np.int64)
        self.xl = np.zeros(self.n_var)
        self.xu = (self.n_choices - 1).astype(np.float64)
        self._feature_offsets = np.concatenate([[0], np.cumsum(self.n_choices)]).astype(np.int64)
        self.n_features = int(self._feature_offsets[-1])

    # -- description ---------------------------------------------------------------------------

    @property
    def size(self) -> int:
        """Number of distinct candidates (an exact Python int, possibly huge)."""
        return math.prod(len(c) ** k for c, k in zip(self.choices, self.counts, strict=True))

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """The space in DyNAS-T's dict format."""
        return {
            n: {"count": k, "vars": [list(v) if isinstance(v, tuple) else v for v in c]}
            for n, k, c in zip(self.names, self.counts, self.choices, strict=True)
        }

    def to_json(self) -> str:
        return json.dumps({"space": self.to_dict(), "fixed": self.fixed})

    @classmethod
    def from_json(cls, text: str) -> SearchSpace:
        data = json.loads(text)
        if isinstance(data, dict) and "space" in data:
            return cls(data["space"], data.get("fixed"))
        return cls(data)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, SearchSpace)
            and type(self) is type(other)
            and self.to_dict() == other.to_dict()
            and self.fixed == other.fixed
        )

    def __repr__(self) -> str:
        parts = ", ".join(
            f"{n}: {k}x{list(c)}" for n, k, c in zip(self.names, self.counts, self.choices, strict=True)
        )
        return f"{type(self).__name__}({parts}; n_var={self.n_var})"

    # -- candidates ----------------------------------------------------------------------------

    def _check_rows(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.n_var:
            raise ValueError(f"expected index rows of shape (n, {self.n_var}), got {X.shape}")
        Xi = np.rint(X)
        bad = (Xi != X) | (Xi < 0) | (Xi > self.xu)
        if bad.any():
            row, col = np.argwhere(bad)[0]
            name, pos = self.position(int(col))
            raise ValueError(
                f"row {row}: index {float(X[row, col])!r} for {name}[{pos}] is not one of "
                f"0..{int(self.xu[col])}"
            )
        return Xi.astype(np.int64)

    def position(self, col: int) -> tuple[str, int]:
        """Parameter name and position within it of index-vector column ``col``."""
        p = int(np.searchsorted(self._offsets, col, side="right") - 1)
        return self.names[p], col - int(self._offsets[p])

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` random candidates, all distinct when the space has at least ``n``.

        Args:
            n: number of rows.
            rng: the run's random generator.

        Returns:
            float64 array of shape (n, n_var) holding choice indices.
        """
        from .operators.duplicates import unique_rows

        if n <= 0:
            return np.zeros((0, self.n_var))
        size = self.size
        if size <= max(n, 4096):
            # small space: draw without replacement from its enumeration, then repeat if needed
            every = self._enumerate()
            picks = rng.permutation(size)
            if n > size:
                picks = np.concatenate([picks, rng.integers(0, size, n - size)])
            return every[picks[:n]]
        X = np.zeros((0, self.n_var))
        while X.shape[0] < n:
            draw = rng.integers(0, self.n_choices, size=(2 * (n - X.shape[0]), self.n_var))
            X = np.concatenate([X, draw.astype(np.float64)])
            X = X[np.sort(unique_rows(X))]
        return X[:n]

    def _enumerate(self) -> np.ndarray:
        grids = np.meshgrid(*[np.arange(k) for k in self.n_choices], indexing="ij")
        return np.stack([g.ravel() for g in grids], axis=1).astype(np.float64)

    def decode(self, X: np.ndarray) -> list[dict[str, Any]]:
        """Index rows to configs: ``{name: [choice, ...], **fixed}``, one dict per row."""
        Xi = self._check_rows(X)
        if all(self._numeric):
            columns = [
                self._values[p][Xi[:, self._offsets[p] : self._offsets[p + 1]]].tolist()
                for p in range(len(self.names))
            ]
            return [
                {**dict(zip(self.names, v, strict=True)), **self.fixed} for v in zip(*columns, strict=True)
            ]
        configs = []
        for row in Xi:
            config: dict[str, Any] = {}
            for p, name in enumerate(self.names):
                vals = self.choices[p]
                seg = row[self._offsets[p] : self._offsets[p + 1]]
                config[name] = [list(vals[i]) if isinstance(vals[i], tuple) else vals[i] for i in seg]
            config.update(self.fixed)
            configs.append(config)
        return configs

    def encode(self, configs: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """Configs to index rows; anything outside the space raises ``ValueError``.

        Args:
            configs: dicts as :meth:`decode` returns them (a single dict is accepted too).

        Returns:
            float64 array of shape (len(configs), n_var).
        """
        if isinstance(configs, Mapping):
            configs = [configs]
        fast = self._encode_numeric(configs)
        if fast is not None:
            return fast
        X = np.empty((len(configs), self.n_var))
        for r, config in enumerate(configs):
            if not isinstance(config, Mapping):
                raise ValueError(f"config {r} must be a dict, got {type(config).__name__}")
            unknown = set(config) - set(self.names) - set(self.fixed)
            if unknown:
                raise ValueError(
                    f"config {r} has unknown parameters {sorted(unknown)}; "
                    f"the space has {list(self.names)}"
                    + (f" and fixed {sorted(self.fixed)}" if self.fixed else "")
                )
            for key, value in self.fixed.items():
                if key in config and config[key] != value:
                    raise ValueError(
                        f"config {r}: {key!r} is fixed to {value!r} in this space, got {config[key]!r}"
                    )
            for p, name in enumerate(self.names):
                if name not in config:
                    raise ValueError(f"config {r} is missing parameter {name!r}")
                values = config[name]
                if not isinstance(values, Sequence) or isinstance(values, (str, bytes)):
                    values = [values]
                if len(values) != self.counts[p]:
                    raise ValueError(f"config {r}: {name!r} needs {self.counts[p]} values, got {len(values)}")
                for k, v in enumerate(values):
                    try:
                        idx = self._index[p].get(_hashable(v))
                    except TypeError:
                        idx = None
                    if idx is None:
                        raise ValueError(
                            f"config {r}: {name}[{k}] = {v!r} is not a choice of {name!r}; "
                            f"choices are {list(self.choices[p])}"
                        )
                    X[r, self._offsets[p] + k] = idx
        return X

    def _encode_numeric(self, configs: Sequence[Mapping[str, Any]]) -> np.ndarray | None:
        """Vectorised :meth:`encode` for well-formed configs of numeric parameters; None when
        anything is off, so that the checked path finds and names the problem."""
        if not configs or not all(self._numeric):
            return None
        allowed = set(self.names) | set(self.fixed)
        for config in configs:
            if not isinstance(config, Mapping) or not config.keys() <= allowed:
                return None
            if any(key in config and config[key] != value for key, value in self.fixed.items()):
                return None
        X = np.empty((len(configs), self.n_var))
        for p, name in enumerate(self.names):
            try:
                values = np.array([c[name] for c in configs])
            except (KeyError, TypeError, ValueError):
                return None
            # strings would parse as numbers under a float dtype; the checked path rejects them
            if values.dtype.kind not in "iuf" or values.shape != (len(configs), self.counts[p]):
                return None
            idx = np.full(values.shape, -1.0)
            for i, choice in enumerate(self.choices[p]):
                idx[values == choice] = i
            if (idx < 0).any():
                return None
            X[:, self._offsets[p] : self._offsets[p + 1]] = idx
        return X

    # -- predictor features --------------------------------------------------------------------

    def active_genes(self, X: np.ndarray) -> np.ndarray:
        """Which positions change the network, shape (n, n_var) bool. All, unless overridden."""
        return np.ones(np.shape(X), dtype=bool)

    def canonical(self, X: np.ndarray) -> np.ndarray:
        """Index rows with every inactive position set to choice 0: rows that differ only where
        the network does not change become equal, so the same network is measured once.

        Args:
            X: index rows, shape (n, n_var).

        Returns:
            float64 array of the same shape.
        """
        Xi = self._check_rows(X)
        active = np.asarray(self.active_genes(Xi), dtype=bool)
        return np.where(active, Xi, 0).astype(np.float64)

    def features(self, X: np.ndarray, *, check: bool = True) -> np.ndarray:
        """One-hot features of index rows, inactive positions all zero.

        Args:
            X: index rows, shape (n, n_var).
            check: validate the rows first; False skips it for rows known to be valid (the
                rows an algorithm asked for, in a hot loop).

        Returns:
            float64 array of shape (n, n_features), n_features = sum of each position's choices.
        """
        Xi = self._check_rows(X) if check else np.asarray(X).astype(np.int64)
        out = np.zeros((Xi.shape[0], self.n_features))
        cols = self._feature_offsets[:-1][None, :] + Xi
        active = np.asarray(self.active_genes(Xi), dtype=bool)
        rows = np.broadcast_to(np.arange(Xi.shape[0])[:, None], Xi.shape)
        out[rows[active], cols[active]] = 1.0
        return out
