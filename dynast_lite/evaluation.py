"""Measuring candidates during a search: the evaluator protocol, the budget, the results log,
and the replay of measurements already on disk when a run resumes."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .operators.duplicates import row_keys
from .results import FailureLog, Record, ResultsLog
from .space import SearchSpace

__all__ = ["Evaluator", "Measurer", "SearchFailed", "check_evaluator"]

log = logging.getLogger("dynast_lite.nas")


class SearchFailed(RuntimeError):
    """Too many candidates failed to be measured: the run stops (everything measured is kept)."""


@runtime_checkable
class Evaluator(Protocol):
    """Anything that measures sub-networks: ``measure(configs, metrics)`` returns one dict of
    metric name -> value per config (batched, so a GPU or a distributed group can take many at
    once), and ``metrics`` names what it can measure. Optional: ``exact_metrics``, the subset
    that is exact and cheap (lookup tables), which LINAS then uses directly instead of a
    predictor; ``default_inner_evals``, the LINAS inner budget suited to the supernet.
    ``prepare(metrics)``, called once before a run writes anything, loads what measuring those
    metrics needs (weights, tables, data) and raises ``ValueError`` saying why they cannot be
    measured (a missing dataset, a checkpoint of another network), so such errors come first.
    ``measure_stream(configs, metrics)`` may yield ``(values, error)`` per config as each is
    measured (a distributed group does). ``exact_rows(X, metrics) -> {metric: array}`` gives
    exact metrics of index rows of the evaluator's own ``space`` without building configs."""

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
        on_record: called as ``on_record(record, replayed, records_so_far)`` after each
            candidate is measured or replayed (progress reporting).
        failures: where failed measurements are logged with their errors (None: nowhere).
        max_failures: failures after which the run stops (None: never).
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
        failures: FailureLog | None = None,
        max_failures: int | None = None,
    ):
        self.evaluator = evaluator
        self.space = space
        self.measurements = list(measurements)
        self.log = log
        self.replay = dict(replay or {})
        self.batch = max(1, int(batch))
        self.on_record = on_record
        self.failures = failures
        self.max_failures = max_failures
        self.n_failed = 0
        self.records: list[Record] = []
        self.X = np.zeros((0, space.n_var))
        self._known: dict[bytes, Record] = {}
        own = getattr(evaluator, "space", None)
        self._rows_ok = callable(getattr(evaluator, "exact_rows", None)) and (own is space or own == space)

    @property
    def n_measured(self) -> int:
        return len(self.records)

    def measure(self, X: np.ndarray) -> list[Record]:
        """Measure the networks of rows ``X`` and return one record per row, in order.

        Rows are taken in the space's canonical form, so rows that differ only in inactive genes
        are one network: each network is measured once per run (counting once against the
        budget), and a row whose network was measured before gets that record. A candidate
        whose measurement raises or gives NaN is a failure: its row is written with the values
        that were measured (none, for an exception), the error goes to the failures log, and it
        counts as dominated; more than ``max_failures`` failures stop the run
        (:class:`SearchFailed`).
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
        self.X = np.concatenate([self.X, X[fresh]])
        todo = [c for c in configs if config_key(c) not in self.replay]
        stream = self._stream(todo)
        for i, c in zip(fresh, configs, strict=True):
            known = self.replay.pop(config_key(c), None)
            if known is not None:
                record, error = known, None
            else:
                values, error = next(stream)
                record = Record(c, values)
                if self.log is not None:
                    self.log.append(record)
            self.records.append(record)
            self._known[keys[i]] = record
            self._count_failure(record, error)
            if self.on_record is not None:
                self.on_record(record, known is not None, self.records)
        return [self._known[k] for k in keys]

    def _count_failure(self, record: Record, error: str | None) -> None:
        if error is None and all(m in record.values for m in self.measurements):
            return
        self.n_failed += 1
        if error is not None:
            log.warning("sub-network %d failed: %s", len(self.records), error)
            if self.failures is not None:
                self.failures.append(record.config, error)
        if self.max_failures is not None and self.n_failed > self.max_failures:
            raise SearchFailed(
                f"{self.n_failed} of {len(self.records)} measured sub-networks failed, more than "
                f"max_failures={self.max_failures}; the last error: {error or 'missing values'}"
                + (f" (every error is in {self.failures.path})" if self.failures is not None else "")
            )

    def _stream(self, configs: list[dict]) -> Iterator[tuple[dict[str, float], str | None]]:
        """``(values, error)`` of each config, in order, as they are measured: through the
        evaluator's ``measure_stream`` where it has one (a distributed group), else through
        ``measure`` in chunks of ``batch``; a chunk that fails is measured again one by one so
        that the failure is pinned on its config."""
        metrics = list(self.measurements)
        stream = getattr(self.evaluator, "measure_stream", None)
        if callable(stream):
            for row, error in stream([dict(c) for c in configs], metrics):
                yield (({}, error) if error is not None else self._clean(row))
            return
        for s in range(0, len(configs), self.batch):
            yield from self._call(configs[s : s + self.batch])

    def _call(self, configs: list[dict]) -> list[tuple[dict[str, float], str | None]]:
        try:
            rows = self.evaluator.measure([dict(c) for c in configs], list(self.measurements))
            if not isinstance(rows, Sequence) or len(rows) != len(configs):
                got = len(rows) if isinstance(rows, Sequence) else type(rows).__name__
                raise ValueError(f"the evaluator returned {got} results for {len(configs)} configs")
            return [self._clean(row) for row in rows]
        except Exception as err:  # a failed measurement must not end the run
            if len(configs) > 1:
                return [one for c in configs for one in self._call([c])]
            return [({}, f"{type(err).__name__}: {err}")]

    def _clean(self, row: Mapping[str, Any]) -> tuple[dict[str, float], str | None]:
        """The measured values as floats (NaN and None left out) and what is wrong with them."""
        if not isinstance(row, Mapping):
            return {}, f"the evaluator gave {type(row).__name__}, not a dict of metric values"
        values, problems = {}, []
        for m in self.measurements:
            v = row.get(m)
            try:
                v = None if v is None else float(v)
            except (TypeError, ValueError):
                problems.append(f"{m} = {v!r} is not a number")
                continue
            if v is None or np.isnan(v):
                problems.append(f"{m} is {'missing' if v is None else 'NaN'}")
            else:
                values[m] = v
        return values, ("; ".join(problems) or None)

    def cheap(self, X: np.ndarray, metrics: Sequence[str]) -> dict[str, np.ndarray]:
        """Values of exact, cheap metrics for rows not necessarily measured (LINAS inner loop):
        one evaluator call, nothing logged, nothing counted against the budget. An evaluator
        with ``exact_rows(X, metrics)`` over this same search space takes the index rows
        themselves (no configs built and parsed again: most of the inner loop's time)."""
        if not metrics or X.shape[0] == 0:
            return {m: np.zeros(X.shape[0]) for m in metrics}
        if self._rows_ok:
            values = self.evaluator.exact_rows(X, list(metrics))
            return {m: np.asarray(values[m], dtype=np.float64) for m in metrics}
        rows = self.evaluator.measure(self.space.decode(X), list(metrics))
        return {m: np.array([float(r[m]) for r in rows]) for m in metrics}
