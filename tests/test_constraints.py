"""Constraint parsing (including hostile text) and the G matrix of measured rows."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dynast_lite.constraints import Constraint, constraint_matrix, parse_constraint, parse_constraints
from dynast_lite.metrics import METRICS


@pytest.mark.parametrize(
    "text, expected",
    [
        ("latency<=20", Constraint("latency", "<=", 20.0)),
        (" accuracy_top1 >= 75.5 ", Constraint("accuracy_top1", ">=", 75.5)),
        ("macs<=3e8", Constraint("macs", "<=", 3e8)),
        ("params>=-1", Constraint("params", ">=", -1.0)),
    ],
)
def test_parse(text, expected):
    assert parse_constraint(text) == expected
    assert parse_constraint(str(expected)) == expected  # the canonical text round-trips


@pytest.mark.parametrize(
    "text, match",
    [
        ("latency<20", "write METRIC<=NUMBER or METRIC>=NUMBER"),
        ("latency=<20", "write METRIC<=NUMBER"),
        ("flops<=20", "unknown metric 'flops'"),
        ("latency<=20ms", "'20ms' is not a number"),
        ("latency<=nan", "must be finite"),
        ("latency<=inf", "must be finite"),
        ("", "cannot parse"),
        ("<=3", "cannot parse"),
    ],
)
def test_bad_constraints_name_the_text_and_what_is_allowed(text, match):
    with pytest.raises(ValueError, match=match):
        parse_constraint(text)


def test_violation_is_in_the_metric_units_and_missing_values_are_infeasible():
    cs = parse_constraints(["latency<=20", "accuracy_top1>=70"])
    rows = [{"latency": 12.0, "accuracy_top1": 75.0}, {"latency": 25.0}, {"accuracy_top1": float("nan")}]
    G = constraint_matrix(rows, cs)
    assert G[0].tolist() == [-8.0, -5.0]
    assert G[1, 0] == 5.0 and G[1, 1] == math.inf
    assert G[2].tolist() == [math.inf, math.inf]
    assert constraint_matrix([], cs).shape == (0, 2)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_hostile_text_parses_or_raises_value_error(text):
    try:
        c = parse_constraint(text)
    except ValueError as err:
        assert str(err)
    else:
        assert c.metric in METRICS and c.op in ("<=", ">=") and np.isfinite(c.bound)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(sorted(METRICS)),
    st.sampled_from(["<=", ">="]),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
)
def test_canonical_text_round_trips(metric, op, bound):
    c = Constraint(metric, op, bound)
    assert parse_constraint(str(c)) == c
