"""A whole NAS run, as the CLI does it: ``dl.search(evaluator, space, ...)``."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .algorithms.registry import ALGORITHMS
from .evaluation import Measurer, check_evaluator, config_key
from .indicators import pareto_front
from .metrics import get_metric, objectives
from .predictors.auto import PREDICTORS
from .problem import Problem
from .results import Record, ResultsLog, read_meta, read_results, write_meta
from .space import SearchSpace

__all__ = ["SearchResult", "SearchSettings", "search"]

log = logging.getLogger("dynast_lite.nas")

#: LINAS inner-loop budget when neither the caller nor the evaluator sets one (DyNAS-T's for
#: OFA MobileNetV3, ProxylessNAS and BERT; it uses 10,000 for Transformer-LT, 5,000 for ResNet50)
DEFAULT_INNER_EVALS = 20_000


@dataclass(frozen=True)
class SearchSettings:
    """Everything that determines a run; saved in ``<results>.meta.json`` and checked on resume."""

    optimization_metrics: tuple[str, ...]
    measurements: tuple[str, ...]
    search_tactic: str = "linas"
    search_algo: str = "nsga2"
    num_evals: int = 250
    population: int = 50
    seed: int = 42
    inner_evals: int = DEFAULT_INNER_EVALS
    predictor: str = "auto"
    measure_batch: int = 1

    def __post_init__(self) -> None:
        from .tactics import TACTICS

        for name in self.optimization_metrics + self.measurements:
            get_metric(name)
        if not self.optimization_metrics:
            raise ValueError("optimization_metrics must name at least one metric")
        if len(set(self.optimization_metrics)) != len(self.optimization_metrics):
            raise ValueError(f"optimization_metrics repeats a metric: {list(self.optimization_metrics)}")
        missing = [m for m in self.optimization_metrics if m not in self.measurements]
        if missing:
            raise ValueError(
                f"optimization metrics {missing} must also be in measurements {list(self.measurements)}"
            )
        if self.search_tactic not in TACTICS:
            raise ValueError(f"unknown search tactic {self.search_tactic!r}; choose one of {sorted(TACTICS)}")
        if self.search_algo not in ALGORITHMS:
            raise ValueError(
                f"unknown search algorithm {self.search_algo!r}; choose one of {sorted(ALGORITHMS)}"
            )
        lo, hi = ALGORITHMS[self.search_algo].n_obj_range
        m = len(self.optimization_metrics)
        if m < lo or (hi is not None and m > hi):
            fits = [
                n
                for n, c in ALGORITHMS.items()
                if c.n_obj_range[0] <= m and (c.n_obj_range[1] is None or m <= c.n_obj_range[1])
            ]
            raise ValueError(
                f"search algorithm {self.search_algo!r} takes {lo if lo == hi else f'{lo}+'} objective(s) "
                f"but {m} optimization metric(s) were given {list(self.optimization_metrics)}; "
                f"for {m} use one of {fits}"
            )
        for key in ("num_evals", "population", "inner_evals", "measure_batch"):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{key} must be a positive int, got {value!r}")
        if self.predictor != "auto" and self.predictor not in PREDICTORS:
            raise ValueError(
                f"unknown predictor {self.predictor!r}; choose 'auto' or one of {sorted(PREDICTORS)}"
            )


@dataclass
class SearchResult:
    """What a run measured.

    Attributes:
        records: every candidate measured by this run, in order.
        warm_records: measurements read from warm-start files.
        pareto: the non-dominated measured candidates (this run's and warm ones) over the
            optimization metrics.
        tau_history: per LINAS loop, each predicted metric's Kendall tau on the batch it chose,
            computed before that batch was measured.
        settings: the run's settings.
        results_path: the results file, or None.
    """

    records: list[Record]
    warm_records: list[Record]
    pareto: list[Record]
    tau_history: list[dict[str, Any]] = field(default_factory=list)
    settings: SearchSettings | None = None
    results_path: str | None = None

    def objectives(self) -> np.ndarray:
        """Objective matrix of ``records`` (maximised metrics negated)."""
        return objectives([r.values for r in self.records], self.settings.optimization_metrics)


@dataclass
class RunContext:
    """What a tactic works with (built by :func:`search`)."""

    evaluator: Any
    space: SearchSpace
    settings: SearchSettings
    measurer: Measurer
    problem: Problem
    warm_X: np.ndarray
    warm_records: list[Record]
    seeds: np.random.SeedSequence
    tau_history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def budget_left(self) -> int:
        return self.settings.num_evals - self.measurer.n_measured


def _load_warm(paths: Sequence[str | os.PathLike], space: SearchSpace) -> tuple[np.ndarray, list[Record]]:
    X, records, seen = [], [], set()
    for path in paths:
        for r in read_results(path):
            config = {k: v for k, v in r.config.items() if k in space.names or k in space.fixed}
            key = config_key(config)
            if key in seen:
                continue
            try:
                row = space.encode([config])
            except ValueError as err:
                raise ValueError(f"warm-start file {path}: {err}") from None
            seen.add(key)
            X.append(row)
            records.append(Record(config, r.values, r.date))
    return (np.concatenate(X) if X else np.zeros((0, space.n_var))), records


def search(
    evaluator: Any,
    space: SearchSpace,
    optimization_metrics: Sequence[str] = ("accuracy_top1", "macs"),
    measurements: Sequence[str] | None = None,
    search_tactic: str = "linas",
    search_algo: str = "nsga2",
    num_evals: int = 250,
    population: int = 50,
    seed: int = 42,
    results_path: str | os.PathLike | None = "results.csv",
    inner_evals: int | None = None,
    predictor: str = "auto",
    measure_batch: int = 1,
    resume: bool = False,
    warm_start: str | os.PathLike | Sequence[str | os.PathLike] | None = None,
) -> SearchResult:
    """Find the sub-networks of ``space`` best for ``optimization_metrics`` with
    ``num_evals`` real measurements.

    Args:
        evaluator: measures configs (see :class:`dynast_lite.evaluation.Evaluator`).
        space: the search space.
        optimization_metrics: objectives, in this order (maximised ones, e.g. accuracy, are
            maximised).
        measurements: metrics measured and logged for every candidate (default: the
            optimization metrics); must include the optimization metrics.
        search_tactic: ``linas``, ``evolutionary`` or ``random``.
        search_algo: algorithm by DyNAS-T name; its objective count must fit.
        num_evals: real measurements made by this run, exactly (fewer only if the space runs
            out).
        population: population size, and LINAS's batch size.
        seed: seed of everything random in the run.
        results_path: DyNAS-T-format CSV appended per measured candidate, with a
            ``.meta.json`` sidecar; None writes nothing.
        inner_evals: LINAS inner-search budget (predictor evaluations) per loop; default the
            evaluator's ``default_inner_evals`` or 20,000.
        predictor: ``auto`` or a predictor name for LINAS.
        measure_batch: configs per ``evaluator.measure`` call.
        resume: continue the run in ``results_path``: its settings must match, measured
            candidates are read back instead of measured, and the run ends as an uninterrupted
            one would have.
        warm_start: earlier results file(s) (DyNAS-T's or ours); their candidates seed the
            search and are never measured again.

    Returns:
        A :class:`SearchResult`.
    """
    from .tactics import TACTICS

    measurements = tuple(measurements) if measurements is not None else tuple(optimization_metrics)
    if inner_evals is None:
        inner_evals = int(getattr(evaluator, "default_inner_evals", DEFAULT_INNER_EVALS))
    settings = SearchSettings(
        tuple(optimization_metrics),
        measurements,
        search_tactic,
        search_algo,
        num_evals,
        population,
        seed,
        inner_evals,
        predictor,
        measure_batch,
    )
    check_evaluator(evaluator, measurements)
    warm_paths = [warm_start] if isinstance(warm_start, (str, os.PathLike)) else list(warm_start or [])
    warm_X, warm_records = _load_warm(warm_paths, space)
    meta = {
        "settings": asdict(settings),
        "space": space.to_dict(),
        "fixed": space.fixed,
        "warm_start": [os.fspath(p) for p in warm_paths],
    }
    replay: dict[str, Record] = {}
    log_file = None
    if results_path is not None:
        if resume:
            diff = _differences(_normal(meta), _normal(read_meta(results_path)))
            if diff:
                raise ValueError(
                    f"cannot resume {results_path}: these settings differ from the saved run's: {diff}"
                )
            replay = {config_key(r.config): r for r in read_results(results_path)}
        elif os.path.exists(results_path) and os.path.getsize(results_path) > 0:
            raise ValueError(
                f"{results_path} already exists; pass resume=True to continue that run, "
                "or choose another results path (nothing is overwritten)"
            )
        log_file = ResultsLog(results_path, measurements)
        write_meta(results_path, meta)
    elif resume:
        raise ValueError("resume needs a results_path")
    measurer = Measurer(evaluator, space, measurements, log_file, replay, measure_batch)
    problem = Problem(
        space.n_var,
        len(settings.optimization_metrics),
        space.xl,
        space.xu,
        integer=True,
        objective_names=settings.optimization_metrics,
        nan_is_failure=True,
    )
    ctx = RunContext(
        evaluator, space, settings, measurer, problem, warm_X, warm_records, np.random.SeedSequence(seed)
    )
    TACTICS[search_tactic](ctx)
    if replay:
        log.warning("%d measurements in %s were not replayed by the resumed run", len(replay), results_path)
    everything = measurer.records + warm_records
    F = objectives([r.values for r in everything], settings.optimization_metrics)
    ok = np.isfinite(F).all(axis=1)
    front = np.flatnonzero(ok)[pareto_front(F[ok])] if ok.any() else np.zeros(0, int)
    return SearchResult(
        measurer.records,
        warm_records,
        [everything[i] for i in front],
        ctx.tau_history,
        settings,
        None if results_path is None else os.fspath(results_path),
    )


def _differences(a: Any, b: Any, prefix: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            out += _differences(a.get(k), b.get(k), f"{prefix}{k}.")
        return out
    return [] if a == b else [prefix.rstrip(".")]


def _normal(value: Any) -> Any:
    # JSON has lists where the settings have tuples

    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normal(v) for v in value]
    return value
