"""A whole NAS run, as the CLI does it: ``dl.search(evaluator, space, ...)``."""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .algorithms.registry import ALGORITHMS, algorithms_for, objective_range
from .constraints import Constraint, constraint_matrix, parse_constraints
from .evaluation import Measurer, check_evaluator
from .indicators import pareto_front
from .metrics import get_metric, objectives
from .predictors.auto import PREDICTORS
from .problem import Problem
from .results import FailureLog, Record, failures_path
from .run_state import load_warm, open_results
from .space import SearchSpace

__all__ = ["SearchProgress", "SearchResult", "SearchSettings", "search"]

log = logging.getLogger("dynast_lite.nas")

#: LINAS inner-loop budget when neither the caller nor the evaluator sets one (DyNAS-T's for
#: OFA MobileNetV3, ProxylessNAS and BERT; it uses 10,000 for Transformer-LT, 5,000 for ResNet50)
DEFAULT_INNER_EVALS = 20_000


def default_max_failures(num_evals: int) -> int:
    """Failures tolerated before a run stops: a fifth of the budget, at least 5."""
    return max(5, num_evals // 5)


def _is_positive_int(value: Any) -> bool:
    """An int (Python's or NumPy's, not a bool) of at least 1."""
    return not isinstance(value, bool) and isinstance(value, (int, np.integer)) and value >= 1


@dataclass(frozen=True)
class SearchSettings:
    """Everything that determines a run; saved in ``<results>.meta.json`` and checked on resume.

    ``constraints`` holds each constraint in its canonical text form (``"latency<=20"``).
    """

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
    constraints: tuple[str, ...] = ()
    linas_batch: int | None = None

    def __post_init__(self) -> None:
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
        self._check_choices()
        for key in ("num_evals", "population", "inner_evals", "measure_batch"):
            value = getattr(self, key)
            if not _is_positive_int(value):
                raise ValueError(f"{key} must be a positive int, got {value!r}")
        if self.linas_batch is not None and not _is_positive_int(self.linas_batch):
            raise ValueError(
                f"linas_batch must be a positive int or None (from the budget), got {self.linas_batch!r}"
            )
        if self.num_evals < self.population:
            raise ValueError(
                f"num_evals ({self.num_evals}) must be at least the population ({self.population}): "
                "the first generation alone needs a population of validations"
            )
        parsed = parse_constraints(self.constraints)
        object.__setattr__(self, "constraints", tuple(str(c) for c in parsed))
        unmeasured = [str(c) for c in parsed if c.metric not in self.measurements]
        if unmeasured:
            raise ValueError(
                f"constraints {unmeasured} bound metrics that are not measured; "
                f"add them to measurements {list(self.measurements)}"
            )

    def _check_choices(self) -> None:
        from .tactics import TACTICS

        if self.search_tactic not in TACTICS:
            raise ValueError(f"unknown search tactic {self.search_tactic!r}; choose one of {sorted(TACTICS)}")
        if self.search_algo not in ALGORITHMS:
            raise ValueError(
                f"unknown search algorithm {self.search_algo!r}; choose one of {sorted(ALGORITHMS)}"
            )
        lo, hi = objective_range(self.search_algo)
        m = len(self.optimization_metrics)
        if m < lo or (hi is not None and m > hi):
            fits = algorithms_for(m)
            raise ValueError(
                f"search algorithm {self.search_algo!r} takes {lo if lo == hi else f'{lo}+'} objective(s) "
                f"but {m} optimization metric(s) were given {list(self.optimization_metrics)}; "
                f"for {m} use one of {fits}"
            )
        if self.predictor != "auto" and self.predictor not in PREDICTORS:
            raise ValueError(
                f"unknown predictor {self.predictor!r}; choose 'auto' or one of {sorted(PREDICTORS)}"
            )

    @property
    def parsed_constraints(self) -> tuple[Constraint, ...]:
        return parse_constraints(self.constraints)

    @classmethod
    def field_defaults(cls) -> dict[str, Any]:
        """Each setting that has a default, at its default."""
        return {f.name: f.default for f in dataclasses.fields(cls) if f.default is not dataclasses.MISSING}


@dataclass(frozen=True)
class SearchProgress:
    """What a progress callback is told after each measured candidate.

    Attributes:
        n_done: candidates this run has measured so far, replayed ones included.
        num_evals: the run's budget.
        record: the candidate just measured.
        replayed: True when the record was read back from the results file of a resumed run.
        records: every record of this run so far, in order.
        settings: the run's settings.
    """

    n_done: int
    num_evals: int
    record: Record
    replayed: bool
    records: Sequence[Record]
    settings: SearchSettings


@dataclass
class SearchResult:
    """What a run measured.

    Attributes:
        records: every candidate measured by this run, in order.
        warm_records: measurements read from warm-start files.
        pareto: the non-dominated measured candidates (this run's and warm ones) over the
            optimization metrics, among those that meet every constraint.
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

    def feasible(self) -> np.ndarray:
        """Bool (len(records),): whether each record meets every constraint."""
        G = constraint_matrix([r.values for r in self.records], self.settings.parsed_constraints)
        return (G <= 0).all(axis=1)


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

    @property
    def constraints(self) -> tuple[Constraint, ...]:
        return self.settings.parsed_constraints

    def evaluations(self, records: Sequence[Record]) -> tuple[np.ndarray, np.ndarray | None]:
        """Objectives ``F`` and constraint values ``G`` (None without constraints) of records."""
        rows = [r.values for r in records]
        F = objectives(rows, self.settings.optimization_metrics)
        return F, (constraint_matrix(rows, self.constraints) if self.constraints else None)


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
    constraints: Sequence[str | Constraint] = (),
    progress: Callable[[SearchProgress], None] | None = None,
    max_failures: int | None = None,
    distributed: bool = False,
    dist_timeout: float = 3600,
    backend: str | None = None,
    linas_batch: int | None = None,
) -> SearchResult:
    """Find the sub-networks of ``space`` best for ``optimization_metrics`` with
    ``num_evals`` real measurements.

    Args:
        evaluator: measures configs (see :class:`dynast_lite.evaluation.Evaluator`).
        space: the search space.
        optimization_metrics: objectives, in this order (maximised ones, e.g. accuracy, are
            maximised).
        measurements: metrics measured and logged for every candidate (default: the
            optimization metrics); must include the optimization metrics and every
            constrained metric.
        search_tactic: ``linas``, ``evolutionary`` or ``random``.
        search_algo: algorithm by DyNAS-T name; its objective count must fit.
        num_evals: real measurements made by this run, exactly (fewer only if the space runs
            out).
        population: population size (for LINAS: of its inner search, and the most it measures
            per loop).
        seed: seed of everything random in the run.
        results_path: DyNAS-T-format CSV appended per measured candidate, with a
            ``.meta.json`` sidecar; None writes nothing. An existing file with rows is never
            overwritten: it is an error unless ``resume``.
        inner_evals: LINAS inner-search budget (predictor evaluations) per loop; default the
            evaluator's ``default_inner_evals`` or 20,000.
        predictor: ``auto`` or a predictor name for LINAS.
        measure_batch: configs per ``evaluator.measure`` call.
        resume: continue the run in ``results_path``: its settings must match (``num_evals``
            may grow, which extends a finished run), measured candidates are read back instead
            of measured, and the run ends as an uninterrupted one would have. With nothing
            measured yet, the run starts afresh.
        warm_start: earlier results file(s) (DyNAS-T's or ours); their candidates seed the
            search and are never measured again.
        constraints: bounds on measured metrics, e.g. ``["latency<=20"]`` (text or
            :class:`~dynast_lite.constraints.Constraint`): the search prefers feasible
            candidates, and only feasible ones are on the reported front.
        progress: called with a :class:`SearchProgress` after each measured candidate (an
            exception it raises, e.g. KeyboardInterrupt, stops the run right there: everything
            measured is already written).
        max_failures: failed measurements (an exception or a NaN) after which the run stops
            with :class:`~dynast_lite.evaluation.SearchFailed`; default a fifth of
            ``num_evals``, at least 5. Each failure is logged in ``<results>.failures.jsonl``.
        distributed: run as one rank of a ``torch.distributed`` group started by torchrun or
            mpirun (see :mod:`dynast_lite.distributed`): every rank measures its share of each
            batch, rank 0 alone writes the results file, and every rank returns the same result.
        dist_timeout: seconds a rank waits for another before the run ends naming it.
        backend: ``gloo`` or ``nccl`` (default: gloo; the CLI picks nccl for CUDA).
        linas_batch: sub-networks LINAS measures per loop after its first batch (twice as
            many); None: 10, or a fiftieth of ``num_evals`` above 500, at most ``population``
            (see :func:`dynast_lite.tactics.linas.batch_sizes`).

    Returns:
        A :class:`SearchResult`.
    """
    from .tactics import TACTICS

    if distributed:
        from . import distributed as dist

        group = dist.start(backend, dist_timeout)
        here = dict(locals())
        options = {k: here[k] for k in _SEARCH_OPTIONS}

        def on_rank_0(driver: Any) -> SearchResult:
            return search(driver, space, **options)

        return group.run(evaluator, list(measurements or optimization_metrics), on_rank_0)

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
        tuple(str(c) for c in constraints),
        linas_batch,
    )
    check_evaluator(evaluator, measurements)
    prepare = getattr(evaluator, "prepare", None)
    if callable(prepare):  # weights, tables, data: their errors come before anything is written
        prepare(list(measurements))
    warm_paths = [warm_start] if isinstance(warm_start, (str, os.PathLike)) else list(warm_start or [])
    warm_X, warm_records = load_warm(warm_paths, space)
    meta = {
        "settings": asdict(settings),
        "space": space.to_dict(),
        "fixed": space.fixed,
        "warm_start": [os.fspath(p) for p in warm_paths],
    }
    opened = open_results(results_path, meta, measurements, resume, space)
    measurer = Measurer(
        evaluator,
        space,
        measurements,
        opened.log,
        opened.replay,
        measure_batch,
        on_record=_progress_hook(progress, settings),
        failures=None if results_path is None else FailureLog(failures_path(results_path)),
        max_failures=default_max_failures(num_evals) if max_failures is None else max_failures,
    )
    problem = Problem(
        space.n_var,
        len(settings.optimization_metrics),
        space.xl,
        space.xu,
        integer=True,
        n_constr=len(settings.constraints),
        objective_names=settings.optimization_metrics,
        nan_is_failure=True,
    )
    ctx = RunContext(
        evaluator, space, settings, measurer, problem, warm_X, warm_records, np.random.SeedSequence(seed)
    )
    TACTICS[search_tactic](ctx)
    if measurer.replay:
        log.warning(
            "%d measurements in %s were not replayed by the resumed run", len(measurer.replay), results_path
        )
    return SearchResult(
        measurer.records,
        warm_records,
        _front(ctx, measurer.records + warm_records),
        ctx.tau_history,
        settings,
        None if results_path is None else os.fspath(results_path),
    )


#: the arguments of :func:`search` a distributed run passes on to rank 0's own search
_SEARCH_OPTIONS = (
    "optimization_metrics",
    "measurements",
    "search_tactic",
    "search_algo",
    "num_evals",
    "population",
    "seed",
    "results_path",
    "inner_evals",
    "predictor",
    "measure_batch",
    "resume",
    "warm_start",
    "constraints",
    "progress",
    "max_failures",
    "linas_batch",
)


def _progress_hook(
    progress: Callable[[SearchProgress], None] | None, settings: SearchSettings
) -> Callable[[Record, bool, Sequence[Record]], None] | None:
    if progress is None:
        return None

    def hook(record: Record, replayed: bool, records: Sequence[Record]) -> None:
        progress(SearchProgress(len(records), settings.num_evals, record, replayed, tuple(records), settings))

    return hook


def _front(ctx: RunContext, records: list[Record]) -> list[Record]:
    """The non-dominated feasible records (finite objectives, every constraint met)."""
    F, G = ctx.evaluations(records)
    ok = np.isfinite(F).all(axis=1)
    if G is not None:
        ok &= (G <= 0).all(axis=1)
    front = np.flatnonzero(ok)[pareto_front(F[ok])] if ok.any() else np.zeros(0, int)
    return [records[i] for i in front]
