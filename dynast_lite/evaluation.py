"""Measuring candidates during a search: the evaluator protocol, the budget, the results log,
and the replay of measurements already on disk when a run resumes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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
    predictor; ``default_inner_evals``, the LINAS inner budget suited to the supernet.
    ``measure([], metrics)`` returns ``[]``, or raises ``ValueError`` saying why those metrics
    cannot be measured (a missing dataset, say): runs call it before they write anything."""

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
    # Asked to measure nothing, an evaluator still checks that it could measure these metrics
    # (e.g. that accuracy has its dataset), so a run fails before it writes anything. A
    # ValueError is that answer; any other failure means the evaluator does not take empty
    # requests, and the metrics are checked on the first real measurement instead.
    try:
        evaluator.measure([], list(metrics))
    except ValueError:
        raise
    except Exception:
        pass


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
        on_record: called as ``on_record(record, replayed, records_so_far)`` after each
            candidate is measured or replayed (progress reporting).
    """

    def __init__(
        self,
        evaluator: Any,
        space: SearchSpace,
        measurements: Sequence[str],
        log: ResultsLog | None,
        replay: Mapping[str, Record] | None = None,
        batch: int = 1,
        on_record: Callable[[Record, bool, Sequence[Record]], None] | None = None,
    ):
        self.evaluator = evaluator
        self.space = space
        self.measurements = list(measurements)
        self.log = log
        self.replay = dict(replay or {})
        self.batch = max(1, int(batch))
        self.on_record = on_record
        self.records: list[Record] = []
        self.X = np.zeros((0, space.n_var))
        self._known: dict[bytes, Record] = {}

    @property
    def n_measured(self) -> int:
        return len(self.records)

    def measure(self, X: np.ndarray) -> list[Record]:
        """Measure the networks of rows ``X`` and return one record per row, in order.

        Rows are taken in the space's canonical form, so rows that differ only in inactive genes
        are one network: each network is measured once per run (counting once against the
        budget), and a row whose network was measured before gets that record.
        """
        X = self.space.canonical(X)
        keys = row_keys(X, np.int16)
        fresh: list[int] = []
        pending: set[bytes] = set()
        for i, key in enumerate(keys):
            if key not in self._known and key not in pending:
                pending.add(key)
                fresh.append(i)
        configs = self.space.decode(X[fresh]) if fresh else []
        for s in range(0, len(configs), self.batch):
            rows = fresh[s : s + self.batch]
            chunk = configs[s : s + self.batch]
            todo = [c for c in chunk if config_key(c) not in self.replay]
            values = iter(self._call(todo)) if todo else iter(())
            self.X = np.concatenate([self.X, X[rows]])
            for i, c in zip(rows, chunk, strict=True):
                known = self.replay.pop(config_key(c), None)
                record = known if known is not None else Record(c, next(values))
                if known is None and self.log is not None:
                    self.log.append(record)
                self.records.append(record)
                self._known[keys[i]] = record
                if self.on_record is not None:
                    self.on_record(record, known is not None, self.records)
        return [self._known[k] for k in keys]

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
