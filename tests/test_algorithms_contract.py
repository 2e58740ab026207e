"""The contract every registered algorithm keeps, checked without per-name branches."""

import numpy as np
import pytest

import dynast_lite as dl
from dynast_lite.algorithms import ALGORITHMS

NAMES = sorted(ALGORITHMS)


def n_obj_for(name: str) -> int:
    lo, hi = ALGORITHMS[name].n_obj_range
    return 2 if lo <= 2 and (hi is None or hi >= 2) else lo


class Recorder:
    """A vectorised integer problem shaped like OFA MobileNetV3 (45 genes in {0, 1, 2}) that
    records every row it evaluates."""

    def __init__(
        self, n_obj: int, n_var: int = 45, n_choices: int = 3, n_constr: int = 0, nan_every: int = 0
    ):
        self.rows: list[np.ndarray] = []
        self.nan_every = nan_every
        w = np.random.default_rng(7).random((n_obj, n_var))

        def evaluate(X):
            self.rows.append(X.copy())
            F = np.column_stack([((X - (k % n_choices)) ** 2) @ w[k] for k in range(n_obj)])
            if self.nan_every:
                F[:: self.nan_every] = np.nan
            if n_constr:
                return F, (X[:, :1] - (n_choices - 1.5))  # the top value of gene 0 is infeasible
            return F

        self.problem = dl.Problem(
            n_var,
            n_obj,
            0,
            n_choices - 1,
            evaluate=evaluate,
            integer=True,
            n_constr=n_constr,
            nan_is_failure=bool(nan_every),
        )

    @property
    def evaluated(self) -> np.ndarray:
        return np.concatenate(self.rows) if self.rows else np.zeros((0, 0))


@pytest.mark.parametrize("name", NAMES)
def test_ask_tell_shapes_and_bounds(name):
    rec = Recorder(n_obj_for(name))
    algo = dl.make_algorithm(name, pop_size=20, seed=0).setup(rec.problem)
    for _ in range(3):
        X = algo.ask()
        assert X.ndim == 2 and X.shape[1] == 45 and 0 < X.shape[0] <= 20
        assert ((X >= 0) & (X <= 2) & (X == np.rint(X))).all()
        F, G = rec.problem.evaluate(X)
        algo.tell(X, F, G)
    res = algo.result()
    assert res.X.shape[1] == 45 and res.F.shape == (res.X.shape[0], rec.problem.n_obj)
    assert res.n_evals == algo.n_evals == sum(len(r) for r in rec.rows)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("budget", [1, 19, 137])
def test_budget_is_never_exceeded(name, budget):
    rec = Recorder(n_obj_for(name))
    res = dl.minimize(rec.problem, dl.make_algorithm(name, pop_size=20, seed=1), n_evals=budget)
    assert res.n_evals == budget == rec.evaluated.shape[0]


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_run_bit_for_bit(name):
    runs = []
    for seed in (3, 3, 4):
        rec = Recorder(n_obj_for(name))
        res = dl.minimize(rec.problem, dl.make_algorithm(name, pop_size=16, seed=seed), n_evals=200)
        runs.append((rec.evaluated, res))
    (X1, r1), (X2, r2), (X3, _) = runs
    assert np.array_equal(X1, X2) and np.array_equal(r1.X, r2.X) and np.array_equal(r1.F, r2.F)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", NAMES)
def test_no_candidate_is_evaluated_twice(name):
    rec = Recorder(n_obj_for(name))
    dl.minimize(rec.problem, dl.make_algorithm(name, pop_size=30, seed=5), n_evals=900)
    X = rec.evaluated
    assert len({r.tobytes() for r in X}) == X.shape[0] == 900


@pytest.mark.parametrize("name", NAMES)
def test_small_space_is_exhausted_without_repeats(name):
    rec = Recorder(n_obj_for(name), n_var=2, n_choices=3)  # 9 candidates in all
    res = dl.minimize(rec.problem, dl.make_algorithm(name, pop_size=4, seed=0), n_evals=50)
    X = rec.evaluated
    assert res.n_evals == X.shape[0] == len({r.tobytes() for r in X}) == 9


@pytest.mark.parametrize("name", NAMES)
def test_wrong_objective_count_is_one_clear_error(name):
    lo, hi = ALGORITHMS[name].n_obj_range
    bad = [m for m in (lo - 1, (hi or 0) + 1) if m >= 1 and (hi is not None or m < lo)]
    for m in bad:
        with pytest.raises(ValueError, match=rf"needs .* objective\(s\); the problem has {m}"):
            dl.make_algorithm(name, seed=0).setup(Recorder(m).problem)


@pytest.mark.parametrize("name", NAMES)
def test_constraints_are_respected_in_the_result(name):
    rec = Recorder(n_obj_for(name), n_constr=1)
    res = dl.minimize(rec.problem, dl.make_algorithm(name, pop_size=20, seed=2), n_evals=300)
    assert res.feasible.all() and (res.X[:, 0] < 2).all() and (res.G <= 0).all()


@pytest.mark.parametrize("name", NAMES)
def test_failed_evaluations_are_dominated(name):
    rec = Recorder(n_obj_for(name), nan_every=3)
    res = dl.minimize(rec.problem, dl.make_algorithm(name, pop_size=20, seed=2), n_evals=200)
    assert res.feasible.all() and np.isfinite(res.F).all()


@pytest.mark.parametrize("name", NAMES)
def test_tell_accepts_candidates_it_did_not_ask_for(name):
    rec = Recorder(n_obj_for(name))
    algo = dl.make_algorithm(name, pop_size=10, seed=0).setup(rec.problem)
    X = np.zeros((3, 45))
    X[1, 0] = 1
    X[2, 0] = 2
    F, _ = rec.problem.evaluate(X)
    algo.tell(X, F)
    nxt = algo.ask()
    seen = {r.tobytes() for r in X}
    assert not any(r.tobytes() in seen for r in nxt)


@pytest.mark.parametrize("name", NAMES)
def test_misuse_is_reported(name):
    algo = dl.make_algorithm(name, seed=0)
    with pytest.raises(RuntimeError, match="setup"):
        algo.ask()
    rec = Recorder(n_obj_for(name))
    algo.setup(rec.problem)
    with pytest.raises(ValueError, match="F must have shape"):
        algo.tell(np.zeros((2, 45)), np.zeros((3, rec.problem.n_obj)))


def test_unknown_algorithm_names_the_choices():
    with pytest.raises(ValueError, match=r"unknown algorithm 'nsga4'; choose one of \[") as err:
        dl.make_algorithm("nsga4")
    assert all(repr(name) in str(err.value) for name in ALGORITHMS)


def test_bad_settings():
    with pytest.raises(ValueError, match="pop_size must be a positive int"):
        dl.make_algorithm("nsga2", pop_size=0)
    with pytest.raises(ValueError, match="n_evals must be a non-negative int"):
        dl.minimize(Recorder(2).problem, dl.make_algorithm("nsga2"), n_evals=-1)
