"""Measuring candidates during a search: the evaluator protocol, the budget, the results log,
and the replay of measurements already on disk when a run resumes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .operators.duplicates import row_keys
from .results import Record, ResultsLog
from .space import SearchSpace

__all__ = ["Evaluator", "Measurer", "check_evaluator"]


@runtime_checkable
class Evaluator(Protocol):
    """Anything that measures sub-networks: ``measure(configs, metrics)`` returns one dict of
    metric name -> value per config (batched, so a GPU or a distributed group can take many at
    once), and ``metrics`` names what it can measure. Optional: ``exact_metrics``, the subset
    that is exact and cheap (lookup tables), which LINAS then uses directly instead of a
    predictor; ``default_inner_evals``, the LINAS inner budget suited to the supernet."""

    metrics: Sequence[str]

    def measure(self, configs: list[dict], metrics: list[str]) -> list[dict[str, float]]: ...


def check_evaluator(evaluator: Any, metrics: Sequence[str]) -> None:
    """One clear error if ``evaluator`` is not an evaluator or cannot measure ``metrics``."""
    if not callable(getattr(evaluator, "measure", None)) or not hasattr(evaluator, "metrics"):
        raise ValueError(
            f"{type(evaluator).__name__} is not an evaluator: it needs measure(configs, metrics) "
            "and a metrics attribute"
        )
    missing = [m for m in metrics if m not in evaluator.metrics]
    if missing:
        raise ValueError(f"the evaluator cannot measure {missing}; it measures {sorted(evaluator.metrics)}")


def config_key(config: Mapping[str, Any]) -> str:
    return repr(sorted((k, v) for k, v in config.items()))


class Measurer:
    """Measures rows of the search space for a tactic, one budget for the whole run.

    Args:
        evaluator: the evaluator.
        space: the search space.
        measurements: metrics measured for every candidate.
        log: where each measured candidate is appended (None: nowhere).
        replay: measurements already in the results file of the run being resumed; a candidate
            found there is served from it instead of being measured again.
        batch: how many configs one ``evaluator.measure`` call takes; each is logged as soon as
            its call returns, so a crash loses at most one batch.
    """

    def __init__(
        self,
        evaluator: Any,
        space: SearchSpace,
        measurements: Sequence[str],
        log: ResultsLog | None,
        replay: Mapping[str, Record] | None = None,
        batch: int = 1,
    ):
        self.evaluator = evaluator
        self.space = space
        self.measurements = list(measurements)
        self.log = log
        self.replay = dict(replay or {})
        self.batch = max(1, int(batch))
        self.records: list[Record] = []
        self.X = np.zeros((0, space.n_var))
        self._seen: set[bytes] = set()

    @property
    def n_measured(self) -> int:
        return len(self.records)

    def seen(self, X: np.ndarray) -> np.ndarray:
        """Bool mask of the rows of ``X`` measured in this run."""
        return np.array([k in self._seen for k in row_keys(X, np.int16)], dtype=bool)

    def measure(self, X: np.ndarray) -> list[Record]:
        """Measure new rows (each at most once per run) and return their records, in order."""
        keys = row_keys(X, np.int16)
        repeated = [i for i, k in enumerate(keys) if k in self._seen]
        if repeated or len(set(keys)) != len(keys):
            raise RuntimeError("internal error: a candidate was asked to be measured twice")
        configs = self.space.decode(X)
        out: list[Record] = []
        for s in range(0, len(configs), self.batch):
            chunk = configs[s : s + self.batch]
            todo = [c for c in chunk if config_key(c) not in self.replay]
            fresh = iter(self._call(todo)) if todo else iter(())
            for c in chunk:
                known = self.replay.pop(config_key(c), None)
                record = known if known is not None else Record(c, next(fresh))
                if known is None and self.log is not None:
                    self.log.append(record)
                out.append(record)
        self.records.extend(out)
        self.X = np.concatenate([self.X, X])
        self._seen.update(keys)
        return out

    def _call(self, configs: list[dict]) -> list[dict[str, float]]:
        rows = self.evaluator.measure([dict(c) for c in configs], list(self.measurements))
        if not isinstance(rows, Sequence) or len(rows) != len(configs):
            raise ValueError(
                f"the evaluator returned {len(rows) if isinstance(rows, Sequence) else type(rows).__name__} "
                f"results for {len(configs)} configs"
            )
        clean = []
        for row in rows:
            missing = [m for m in self.measurements if m not in row]
            if missing:
                raise ValueError(f"the evaluator's result {row!r} lacks {missing}")
            clean.append(
                {m: float(row[m]) if row[m] is not None else float("nan") for m in self.measurements}
            )
        return clean

    def cheap(self, X: np.ndarray, metrics: Sequence[str]) -> dict[str, np.ndarray]:
        """Values of exact, cheap metrics for rows not necessarily measured (LINAS inner loop):
        one ``measure`` call, nothing logged, nothing counted against the budget."""
        if not metrics or X.shape[0] == 0:
            return {m: np.zeros(X.shape[0]) for m in metrics}
        rows = self.evaluator.measure(self.space.decode(X), list(metrics))
        return {m: np.array([float(r[m]) for r in rows]) for m in metrics}
