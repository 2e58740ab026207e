"""Constraints on measured metrics, such as ``latency<=20`` or ``accuracy_top1>=75``.

A constraint bounds one metric in its own units. Inside the search core it becomes one column
of ``G`` (feasible where ``G <= 0``): ``value - bound`` for ``<=`` and ``bound - value`` for
``>=``, so the violation is in the metric's units. A candidate whose constrained metric is
missing (not measured, failed) counts as infeasible.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .metrics import METRICS, get_metric

__all__ = ["Constraint", "constraint_matrix", "parse_constraint", "parse_constraints"]

_OPERATORS = ("<=", ">=")
_PATTERN = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=)\s*(\S+)\s*$")


@dataclass(frozen=True)
class Constraint:
    """``metric op bound``: the metric (a name from :data:`dynast_lite.metrics.METRICS`), ``<=``
    or ``>=``, and a finite bound in the metric's units."""

    metric: str
    op: str
    bound: float

    def __post_init__(self) -> None:
        get_metric(self.metric)
        if self.op not in _OPERATORS:
            raise ValueError(f"constraint operator must be one of {list(_OPERATORS)}, got {self.op!r}")
        if isinstance(self.bound, bool) or not isinstance(self.bound, (int, float, np.number)):
            raise ValueError(f"constraint bound must be a number, got {self.bound!r}")
        if not math.isfinite(float(self.bound)):
            raise ValueError(f"constraint bound must be finite, got {self.bound!r}")
        object.__setattr__(self, "bound", float(self.bound))

    def __str__(self) -> str:
        bound = repr(int(self.bound)) if self.bound.is_integer() else repr(self.bound)
        return f"{self.metric}{self.op}{bound}"

    def violation(self, values: np.ndarray) -> np.ndarray:
        """``G`` column of measured ``values`` (NaN stays NaN: the caller decides what it means)."""
        values = np.asarray(values, dtype=np.float64)
        return values - self.bound if self.op == "<=" else self.bound - values


def parse_constraint(text: str | Constraint) -> Constraint:
    """``"latency<=20"`` -> ``Constraint("latency", "<=", 20.0)``.

    Raises:
        ValueError: naming the text and what is allowed, if it does not parse.
    """
    if isinstance(text, Constraint):
        return text
    if not isinstance(text, str):
        raise ValueError(f"a constraint must be text such as 'latency<=20', got {text!r}")
    match = _PATTERN.match(text)
    if match is None:
        raise ValueError(
            f"cannot parse constraint {text!r}: write METRIC<=NUMBER or METRIC>=NUMBER "
            f"(e.g. 'latency<=20'); metrics: {sorted(METRICS)}"
        )
    metric, op, number = match.groups()
    try:
        bound = float(number)
    except ValueError:
        raise ValueError(f"cannot parse constraint {text!r}: {number!r} is not a number") from None
    if metric not in METRICS:
        raise ValueError(f"constraint {text!r}: unknown metric {metric!r}; choose from {sorted(METRICS)}")
    return Constraint(metric, op, bound)


def parse_constraints(texts: Sequence[str | Constraint] | None) -> tuple[Constraint, ...]:
    """Parse several constraints; a repeated one is an error (it is most likely a typo)."""
    out = tuple(parse_constraint(t) for t in (texts or ()))
    if len(set(out)) != len(out):
        raise ValueError(f"constraints repeat: {[str(c) for c in out]}")
    return out


def constraint_matrix(rows: Sequence[Mapping[str, float]], constraints: Sequence[Constraint]) -> np.ndarray:
    """``G`` (n, len(constraints)) of measured rows; a missing or NaN value is ``+inf``
    (infeasible), so a failed measurement never looks feasible."""
    G = np.zeros((len(rows), len(constraints)))
    for j, c in enumerate(constraints):
        values = np.array([np.nan if r.get(c.metric) is None else float(r[c.metric]) for r in rows])
        g = c.violation(values) if len(rows) else np.zeros(0)
        G[:, j] = np.where(np.isnan(g), np.inf, g)
    return G
