import numpy as np
import pytest

from dynast_lite.operators import (
    SBX,
    PointCrossover,
    PolynomialMutation,
    RowArchive,
    UniformCrossover,
    binary_tournament,
    round_integers,
    row_keys,
    unique_rows,
)

XL = np.zeros(10)
XU = np.ones(10)


@pytest.mark.parametrize("op", [SBX(), UniformCrossover(), PointCrossover(n_points=2)])
def test_crossover_shapes_bounds_and_seed(rng, op):
    A, B = rng.random((20, 10)), rng.random((20, 10))
    C = op(A, B, XL, XU, np.random.default_rng(3))
    assert C.shape == (40, 10)
    assert ((C >= 0) & (C <= 1)).all()
    assert np.array_equal(C, op(A, B, XL, XU, np.random.default_rng(3)))


def test_gene_swapping_crossovers_keep_each_column_pair(rng):
    A, B = rng.random((20, 10)), rng.random((20, 10))
    for op in (UniformCrossover(prob=1.0), PointCrossover(n_points=3, prob=1.0)):
        C = op(A, B, XL, XU, rng)
        c1, c2 = C[:20], C[20:]
        assert np.array_equal(np.sort(np.stack([c1, c2]), 0), np.sort(np.stack([A, B]), 0))


def test_point_crossover_swaps_contiguous_segments(rng):
    A, B = np.zeros((50, 12)), np.ones((50, 12))
    C = PointCrossover(n_points=1, prob=1.0)(A, B, XL[:1], XU[:1], rng)[:50]
    # one cut: each child is a run of zeros followed by a run of ones
    assert all(np.all(np.diff(row) >= 0) for row in C)


def test_sbx_children_centre_on_parents(rng):
    A = np.full((20000, 1), 0.4)
    B = np.full((20000, 1), 0.6)
    C = SBX(prob=1.0, eta=15, prob_var=1.0)(A, B, XL[:1], XU[:1], rng)
    assert abs(C.mean() - 0.5) < 0.005
    assert np.abs(C - 0.5).mean() < 0.15  # eta 15 keeps children near their parents


def test_mutation_rate_is_per_variable(rng):
    X = np.full((4000, 50), 0.5)
    Y = PolynomialMutation(eta=20, prob=1.0)(X, np.zeros(50), np.ones(50), rng)
    assert (Y != X).mean() == pytest.approx(1 / 50, rel=0.1)  # default rate 1/n_var
    D = PolynomialMutation(eta=20)(X, np.zeros(50), np.ones(50), rng)
    assert (D != X).mean() == pytest.approx(0.9 / 50, rel=0.1)  # 90% of children eligible
    assert ((Y >= 0) & (Y <= 1)).all()
    Z = PolynomialMutation(eta=20, prob=0.02)(X, np.zeros(50), np.ones(50), rng)
    # DyNAS-T's setting: only 2% of children eligible, so about 1.3% change, against 64% here
    assert (Z != X).any(axis=1).mean() < 0.02 < 0.6 < (Y != X).any(axis=1).mean()


def test_bad_operator_settings():
    with pytest.raises(ValueError, match="prob must be in"):
        SBX(prob=1.5)
    with pytest.raises(ValueError, match="prob_var"):
        PolynomialMutation(prob_var=2.0)
    with pytest.raises(ValueError, match="n_points"):
        PointCrossover(n_points=0)


def test_integer_rounding_gives_every_value_an_equal_share(rng):
    # a uniform draw over the range widened by half a step rounds to equal shares; over the
    # plain range the end values would get half as much
    mask, xl, xu = np.array([True]), np.zeros(1), np.full(1, 2.0)
    wide = round_integers(rng.uniform(-0.5, 2.5, (30000, 1)), mask, xl, xu)
    plain = round_integers(rng.uniform(0.0, 2.0, (30000, 1)), mask, xl, xu)
    assert np.all(np.abs(np.bincount(wide[:, 0].astype(int)) / 30000 - 1 / 3) < 0.02)
    assert np.bincount(plain[:, 0].astype(int))[0] / 30000 == pytest.approx(0.25, abs=0.02)
    edges = round_integers(np.array([[-0.5], [2.5], [1.4999]]), mask, xl, xu)
    assert edges[:, 0].tolist() == [0.0, 2.0, 1.0]


def test_binary_tournament_prefers_rank_then_crowding(rng):
    rank = np.array([0, 1, 0, 2])
    crowd = np.array([1.0, 9.0, 5.0, 0.0])
    wins = binary_tournament(rank, crowd, 4000, rng)
    counts = np.bincount(wins, minlength=4)
    assert counts[3] == 0  # the worst never wins a tournament
    assert counts[2] > counts[0] > counts[1]


def test_row_keys_and_unique_rows():
    X = np.array([[0.0, 1.0], [-0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    keys = row_keys(X)
    assert keys[0] == keys[1] == keys[3] != keys[2]
    assert unique_rows(X).tolist() == [0, 2]


def test_archive_excludes_seen_and_repeated_rows():
    archive = RowArchive(integer=True)
    archive.add(np.array([[0, 1, 2]]))
    X = np.array([[0, 1, 2], [2, 1, 0], [2, 1, 0], [1, 1, 1]], float)
    taken: set[bytes] = set()
    assert archive.new_unique(X, taken).tolist() == [1, 3]
    assert archive.new_unique(X, taken).tolist() == []
