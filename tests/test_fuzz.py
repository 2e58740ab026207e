"""Hostile input (hypothesis): the results-file reader and SearchSpace.encode either accept the
input or raise one ValueError; nothing runs code, nothing else escapes."""

import csv
import io

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dynast_lite as dl
from dynast_lite.results import read_configs, read_results

OFA_LIKE = dl.SearchSpace(
    {
        "ks": {"count": 4, "vars": [3, 5, 7]},
        "e": {"count": 4, "vars": [3, 4, 6]},
        "d": {"count": 2, "vars": [2, 3]},
    },
    fixed={"wid": None, "r": [224]},
)
HEADER = ["Sub-network", "Date", "Model Parameters", "Latency (ms)", "MACs", "Top-1 Acc (%)"]
HOSTILE_CELLS = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        [
            "__import__('os').system('touch /tmp/pwned')",
            "{'ks': __import__('os').getcwd()}",
            "(lambda: 1)()",
            "{'ks': [3] * 4}",
            "9**9**9",
            "[" * 5000 + "]" * 5000,
            "{" * 300 + "}" * 300,
            "{1: 2}",
            "{'ks': [3, 5, 7, 3], 'e': [3, 4, 6, 3], 'd': [2, 3]}",
            "\x00",
            "'" + "a" * 200_000 + "'",
        ]
    ),
)
leaf = st.one_of(
    st.integers(-10, 10), st.floats(allow_nan=True), st.none(), st.text(max_size=5), st.booleans()
)
values = st.recursive(
    leaf, lambda inner: st.lists(inner, max_size=6) | st.tuples(inner, inner), max_leaves=12
)
configs = st.dictionaries(st.sampled_from(["ks", "e", "d", "wid", "r", "x", ""]), values, max_size=6)


def _csv(rows) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cell=HOSTILE_CELLS, numbers=st.lists(st.text(max_size=12), min_size=4, max_size=4))
def test_results_reader_with_hostile_rows(tmp_path, cell, numbers):
    path = tmp_path / "r.csv"
    path.write_text(_csv([HEADER, [cell, "2024-01-01", *numbers]]))
    try:
        records = read_results(path)
    except ValueError as err:
        assert str(path) in str(err) and len(str(err)) < 1000
    else:
        assert all(isinstance(r.config, dict) for r in records)
        assert all(isinstance(v, float) for r in records for v in r.values.values())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_results_reader_with_arbitrary_bytes(tmp_path, data):
    path = tmp_path / "r.csv"
    path.write_bytes(b"Sub-network,Date,MACs\n" + data)
    for reader in (read_results, read_configs):
        try:
            reader(path)
        except ValueError:
            pass


@settings(max_examples=400, deadline=None)
@given(config=configs)
def test_encode_accepts_configs_of_the_space_or_raises_value_error(config):
    try:
        X = OFA_LIKE.encode([config])
    except ValueError as err:
        assert str(err)
    else:
        assert X.shape == (1, OFA_LIKE.n_var)
        assert (X >= OFA_LIKE.xl).all() and (X <= OFA_LIKE.xu).all() and (X == np.rint(X)).all()
        assert OFA_LIKE.decode(X)[0] == {
            **{k: list(v) for k, v in config.items() if k in OFA_LIKE.names},
            **OFA_LIKE.fixed,
        }


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.lists(st.integers(0, 2), min_size=10, max_size=10), min_size=1, max_size=5))
def test_encode_decode_round_trip(rows):
    X = np.array(rows, dtype=float)
    X[:, 8:] = np.minimum(X[:, 8:], 1)
    assert (OFA_LIKE.encode(OFA_LIKE.decode(X)) == X).all()
