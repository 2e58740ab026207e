"""What a results file says: its objectives, its Pareto set, its hypervolume against a stated
reference point, and hypervolume against validations. Used by ``dynast-lite report`` and at the
end of ``dynast-lite search``; plots are drawn by :mod:`dynast_lite.plots` (matplotlib).

Hypervolume is reported normalised so that runs and files compare at a glance: each objective
is mapped linearly so that the *ideal point* (the best value of each objective over every file
shown) is 0 and the *reference point* (the worst value plus 10% of the range) is 1, and the
hypervolume is the share of that box the front dominates (0 to 1). Both points are printed in
the metrics' own units.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .constraints import Constraint, constraint_matrix, parse_constraints
from .metrics import METRICS, get_metric, objectives
from .results import Record, meta_path, read_results

__all__ = [
    "Bounds",
    "Run",
    "bounds_of",
    "config_summary",
    "default_objectives",
    "hypervolume_curve",
    "load_run",
    "normalized_hypervolume",
    "pareto_table",
]

#: share of the range added beyond the worst value to place the reference point
MARGIN = 0.1
_ACCURACY = ("accuracy_top1", "accuracy_sst2", "bleu", "accuracy_top5")
_COSTS = ("macs", "params", "latency", "model_size")


@dataclass(frozen=True)
class Run:
    """One results file as seen through chosen objectives.

    Attributes:
        path: the file.
        records: its rows, in validation order.
        names: the objectives (metric names).
        F: objective matrix (n, m), minimised form (maximised metrics negated); NaN where missing.
        feasible: bool (n,): finite objectives and every constraint met.
        constraints: the constraints applied.
    """

    path: Path
    records: list[Record]
    names: tuple[str, ...]
    F: np.ndarray
    feasible: np.ndarray
    constraints: tuple[Constraint, ...] = ()

    @property
    def label(self) -> str:
        return self.path.stem

    def front(self, upto: int | None = None) -> np.ndarray:
        """Indices of the Pareto set among the first ``upto`` rows (all by default), sorted by
        the first objective."""
        from .indicators import pareto_front

        n = len(self.records) if upto is None else upto
        ok = np.flatnonzero(self.feasible[:n])
        if ok.size == 0:
            return ok
        idx = ok[pareto_front(self.F[ok])]
        return idx[np.lexsort(self.F[idx].T[::-1])]


@dataclass(frozen=True)
class Bounds:
    """Ideal and reference points in minimised objective form, shape (m,) each."""

    ideal: np.ndarray
    reference: np.ndarray

    def describe(self, names: Sequence[str]) -> str:
        """Both points in the metrics' own units."""

        def point(values: np.ndarray) -> str:
            shown = [
                _show(float(get_metric(n).from_objective(v))) for n, v in zip(names, values, strict=True)
            ]
            return ", ".join(f"{n} {v}" for n, v in zip(names, shown, strict=True))

        return f"ideal point: {point(self.ideal)}; reference point: {point(self.reference)}"


def _meta(path: Path) -> dict[str, Any]:
    try:
        return json.loads(meta_path(path).read_text())
    except (OSError, ValueError):
        return {}


def default_objectives(paths: Sequence[str | os.PathLike]) -> tuple[str, ...]:
    """The objectives to show: the first file's optimization metrics when its settings say two
    or more; otherwise its accuracy-like metric and a cost (MACs, else params, else latency),
    as DyNAS-T's plots show them."""
    first = Path(paths[0])
    settings = _meta(first).get("settings", {})
    names = tuple(settings.get("optimization_metrics", ()))
    if len(names) >= 2:
        return names
    measured = set()
    for r in read_results(first):
        measured |= set(r.values)
    accuracy = [m for m in _ACCURACY if m in measured]
    costs = [m for m in _COSTS if m in measured]
    chosen = tuple(accuracy[:1] + costs[:1])
    if len(chosen) < 2:
        raise ValueError(
            f"cannot tell which objectives to show for {first}: it measures {sorted(measured)}; "
            "name them with --optimization_metrics"
        )
    return chosen


def load_run(
    path: str | os.PathLike,
    names: Sequence[str],
    constraints: Sequence[str | Constraint] | None = None,
) -> Run:
    """Read ``path`` and compute its objectives; ``constraints`` None takes the file's own
    (from its settings sidecar, if any)."""
    path = Path(path)
    for n in names:
        get_metric(n)
    records = read_results(path)
    if not records:
        raise ValueError(f"{path} holds no measured sub-networks")
    missing = [n for n in names if not any(n in r.values for r in records)]
    if missing:
        measured = sorted({m for r in records for m in r.values})
        raise ValueError(f"{path} has no values of {missing}; it measures {measured}")
    if constraints is None:
        constraints = _meta(path).get("settings", {}).get("constraints", ())
    parsed = parse_constraints(constraints)
    rows = [r.values for r in records]
    F = objectives(rows, names)
    ok = np.isfinite(F).all(axis=1)
    if parsed:
        ok &= (constraint_matrix(rows, parsed) <= 0).all(axis=1)
    return Run(path, records, tuple(names), F, ok, parsed)


def bounds_of(runs: Sequence[Run]) -> Bounds:
    """The ideal and reference points over every feasible row of ``runs``."""
    F = np.vstack([r.F[r.feasible] for r in runs]) if runs else np.zeros((0, 0))
    if F.shape[0] == 0:
        raise ValueError("no feasible sub-network with every objective measured: nothing to report")
    ideal, worst = F.min(axis=0), F.max(axis=0)
    span = worst - ideal
    span = np.where(span > 0, span, np.maximum(np.abs(worst), 1.0))
    return Bounds(ideal, worst + MARGIN * span)


def normalized_hypervolume(F: np.ndarray, bounds: Bounds) -> float:
    """Share (0 to 1) of the box between ``bounds.ideal`` and ``bounds.reference`` that ``F``
    dominates (rows with missing values ignored)."""
    from .indicators import hypervolume

    F = np.asarray(F, dtype=np.float64)
    F = F[np.isfinite(F).all(axis=1)]
    if F.shape[0] == 0:
        return 0.0
    scale = bounds.reference - bounds.ideal
    return hypervolume((F - bounds.ideal) / scale, np.ones(F.shape[1]))


def hypervolume_curve(run: Run, bounds: Bounds) -> np.ndarray:
    """Normalised hypervolume of the feasible rows after each validation, shape (n,)."""
    from .indicators import pareto_front

    out = np.zeros(len(run.records))
    front = np.zeros((0, run.F.shape[1]))
    current = 0.0
    for i in range(len(run.records)):
        if run.feasible[i]:
            cand = np.vstack([front, run.F[i]])
            front = cand[pareto_front(cand)]
            current = normalized_hypervolume(front, bounds)
        out[i] = current
    return out


def _show(value: float) -> str:
    if not np.isfinite(value):
        return "-"
    if float(value).is_integer() and abs(value) >= 1000:
        return f"{int(value):,}"
    return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.0f}"


def config_summary(config: Mapping[str, Any], width: int = 0) -> str:
    """A compact one-line view of a config: each searched list on one token (``d=234``,
    ``ks=5,7,3`` when values are longer than one character); ``None`` entries left out."""
    parts = []
    for key, value in config.items():
        if value is None:
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        text = [str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in values]
        joined = "".join(text) if all(len(t) == 1 for t in text) else ",".join(text)
        parts.append(f"{key}={joined}")
    line = " ".join(parts)
    return line if not width or len(line) <= width else line[: width - 1] + "…"


def pareto_table(run: Run, metrics: Sequence[str] | None = None, config_width: int = 80) -> str:
    """The Pareto set of ``run`` as a text table: its validation number, each metric and the
    config summary, sorted by the first objective."""
    front = run.front()
    shown = list(metrics) if metrics is not None else list(run.names)
    shown += [m for m in ("accuracy_top1", "macs", "params", "latency") if m not in shown]
    shown = [m for m in shown if any(m in run.records[i].values for i in front)]
    header = ["#", "val"] + [METRICS[m].column for m in shown] + ["sub-network"]
    rows = []
    for k, i in enumerate(front, start=1):
        values = run.records[i].values
        rows.append(
            [str(k), str(i + 1)]
            + [_show(values.get(m, float("nan"))) for m in shown]
            + [config_summary(run.records[i].config, config_width)]
        )
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header) - 1)]
    lines = []
    for r in [header, *rows]:
        cells = [r[c].rjust(widths[c]) for c in range(len(header) - 1)]
        lines.append("  ".join(cells + [r[-1]]))
    return "\n".join(lines)
