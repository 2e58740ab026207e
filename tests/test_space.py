import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dynast_lite as dl

OFA_MBV3 = {
    "ks": {"count": 20, "vars": [3, 5, 7]},
    "e": {"count": 20, "vars": [3, 4, 6]},
    "d": {"count": 5, "vars": [2, 3, 4]},
}
RESNET = {
    "d": {"count": 5, "vars": [0, 1, 2]},
    "e": {"count": 18, "vars": [0.2, 0.25, 0.35]},
    "w": {"count": 6, "vars": [0, 1, 2]},
}


def test_dynast_format_and_bounds():
    space = dl.SearchSpace(OFA_MBV3, fixed={"wid": None, "r": [224]})
    assert space.n_var == 45
    assert space.xl.tolist() == [0.0] * 45 and space.xu.tolist() == [2.0] * 45
    assert space.size == 3**45
    assert space.position(20) == ("e", 0) and space.position(44) == ("d", 4)


def test_decode_gives_dynast_configs():
    space = dl.SearchSpace(OFA_MBV3, fixed={"wid": None, "r": [224]})
    X = np.zeros((1, 45))
    X[0, 40:] = [0, 1, 2, 2, 1]
    (config,) = space.decode(X)
    assert config == {"ks": [3] * 20, "e": [3] * 20, "d": [2, 3, 4, 4, 3], "wid": None, "r": [224]}


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_encode_decode_round_trip(data):
    spec = data.draw(st.sampled_from([OFA_MBV3, RESNET, {"a": {"count": 1, "vars": ["x", "y"]}}]))
    space = dl.SearchSpace(spec)
    config = {
        name: [data.draw(st.sampled_from(entry["vars"])) for _ in range(entry["count"])]
        for name, entry in spec.items()
    }
    X = space.encode([config])
    assert space.decode(X) == [config]
    assert np.array_equal(space.encode(space.decode(X)), X)


def test_configs_outside_the_space_name_value_and_choices():
    space = dl.SearchSpace(OFA_MBV3)
    good = space.decode(np.zeros((1, 45)))[0]
    bad = dict(good, ks=[3] * 19 + [9])
    with pytest.raises(ValueError, match=r"ks\[19\] = 9 .*choices are \[3, 5, 7\]"):
        space.encode([bad])
    with pytest.raises(ValueError, match="needs 5 values, got 4"):
        space.encode([dict(good, d=[2, 3, 4, 2])])
    with pytest.raises(ValueError, match="missing parameter 'e'"):
        space.encode([{k: v for k, v in good.items() if k != "e"}])
    with pytest.raises(ValueError, match=r"unknown parameters \['depth'\]"):
        space.encode([dict(good, depth=[1])])


def test_fixed_entries_must_match():
    space = dl.SearchSpace(OFA_MBV3, fixed={"r": [224]})
    config = space.decode(np.zeros((1, 45)))[0]
    space.encode([config])
    with pytest.raises(ValueError, match="'r' is fixed to \\[224\\]"):
        space.encode([dict(config, r=[192])])


@pytest.mark.parametrize(
    "spec, match",
    [
        ({}, "non-empty dict"),
        ({"ks": [3, 5]}, "'ks' must be a dict"),
        ({"ks": {"count": 0, "vars": [3]}}, "'ks': count must be a positive int, got 0"),
        ({"ks": {"count": 2, "vars": []}}, "'ks': vars must be a non-empty list"),
        ({"ks": {"count": 2, "vars": [3, 3]}}, "'ks': vars has repeated choices"),
        ({"ks": {"count": 2, "vars": [3], "extra": 1}}, "'ks' must be a dict with keys"),
    ],
)
def test_malformed_spaces_are_rejected(spec, match):
    with pytest.raises(ValueError, match=match):
        dl.SearchSpace(spec)


def test_bad_index_rows_are_rejected():
    space = dl.SearchSpace(OFA_MBV3)
    X = np.zeros((2, 45))
    X[1, 41] = 3
    with pytest.raises(ValueError, match=r"row 1: index 3.0 for d\[1\] is not one of 0..2"):
        space.decode(X)
    with pytest.raises(ValueError, match="shape"):
        space.decode(np.zeros((1, 44)))


def test_sample_is_unique_in_range_and_seeded():
    space = dl.SearchSpace(OFA_MBV3)
    X = space.sample(500, np.random.default_rng(0))
    assert X.shape == (500, 45)
    assert len({r.tobytes() for r in X}) == 500
    assert ((X >= 0) & (X <= 2) & (X == np.rint(X))).all()
    assert np.array_equal(X, space.sample(500, np.random.default_rng(0)))


def test_sample_small_space_covers_it_before_repeating():
    space = dl.SearchSpace({"a": {"count": 2, "vars": [1, 2, 3]}})  # 9 configs
    X = space.sample(9, np.random.default_rng(1))
    assert len({r.tobytes() for r in X}) == 9
    Y = space.sample(12, np.random.default_rng(1))
    assert Y.shape == (12, 2) and len({r.tobytes() for r in Y}) == 9


def test_features_one_hot_and_masked():
    class Masked(dl.SearchSpace):
        def active_genes(self, X):
            active = np.ones(X.shape, bool)
            active[:, 0] = X[:, 1] > 0  # first gene only matters when the second is set
            return active

    spec = {"a": {"count": 1, "vars": [1, 2, 3]}, "b": {"count": 1, "vars": [0, 1]}}
    X = np.array([[2, 1], [2, 0]], float)
    plain = dl.SearchSpace(spec).features(X)
    assert plain.tolist() == [[0, 0, 1, 0, 1], [0, 0, 1, 1, 0]]
    masked = Masked(spec).features(X)
    assert masked.tolist() == [[0, 0, 1, 0, 1], [0, 0, 0, 1, 0]]


def test_json_round_trip():
    space = dl.SearchSpace(RESNET, fixed={"r": [224]})
    again = dl.SearchSpace.from_json(space.to_json())
    assert again == space and again.to_dict() == RESNET
    plain = dl.SearchSpace.from_json(json.dumps(OFA_MBV3))
    assert plain.to_dict() == OFA_MBV3


def _checked_path(space, configs):
    """encode through the per-value checked loop only (the vectorised path switched off)."""
    numeric = space._numeric
    space._numeric = (False,) * len(numeric)
    try:
        return space.encode(configs)
    finally:
        space._numeric = numeric


@pytest.mark.parametrize("spec", [OFA_MBV3, RESNET])
def test_vectorised_encode_and_decode_equal_the_checked_loops(spec, rng):
    space = dl.SearchSpace(spec, fixed={"r": [224]})
    X = space.sample(200, rng)
    configs = space.decode(X)
    assert np.array_equal(space._encode_numeric(configs), X)
    assert np.array_equal(_checked_path(space, configs), X)
    numeric = space._numeric
    space._numeric = (False,) * len(numeric)
    try:
        assert space.decode(X) == configs  # the per-row loop gives the same configs and types
    finally:
        space._numeric = numeric
    assert all(type(v) is type(spec["e"]["vars"][0]) for c in configs for v in c["e"])


def test_vectorised_encode_defers_every_irregular_config_to_the_checked_path():
    space = dl.SearchSpace(OFA_MBV3, fixed={"wid": None})
    good = space.decode(np.zeros((1, 45)))[0]
    assert space._encode_numeric([dict(good, ks=[3.0] * 20)]) is not None  # 3.0 == 3, as a dict lookup
    for bad in (
        dict(good, ks=[4] * 20),
        dict(good, ks=[3] * 19),
        dict(good, ks=["3"] * 20),
        dict(good, wid=1),
        dict(good, depth=[2]),
        {k: v for k, v in good.items() if k != "d"},
    ):
        assert space._encode_numeric([good, bad]) is None
        with pytest.raises(ValueError, match="config 1"):
            space.encode([good, bad])
