import numpy as np
import pytest

import dynast_lite as dl
from dynast_lite.indicators import gd, hypervolume, igd
from dynast_lite.reference_directions import das_dennis, das_dennis_partitions

ZDT = ["zdt1", "zdt2", "zdt3", "zdt4", "zdt6"]
DTLZ = ["dtlz1", "dtlz2", "dtlz3", "dtlz4", "dtlz7"]


def optimal_x(name: str, problem: dl.Problem, rng) -> np.ndarray:
    """Pareto-optimal decision vectors: position variables random, distance variables at g's
    minimum (0 for ZDT, 0.5 for DTLZ1-4, 0 for DTLZ7)."""
    X = rng.random((400, problem.n_var))
    if name.startswith("zdt"):
        X[:, 1:] = 0.0
    else:
        X[:, problem.n_obj - 1 :] = 0.0 if name == "dtlz7" else 0.5
    return X


@pytest.mark.parametrize("name", ZDT + DTLZ)
def test_optimal_solutions_lie_on_the_true_front(name, rng):
    problem = getattr(dl.problems, name)()
    F, _ = problem.evaluate(optimal_x(name, problem, rng))
    front = problem.pareto_front(10000)
    assert front.shape[1] == problem.n_obj
    # every optimal point is on the front (close to a front sample) and the front is non-dominated
    nd = dl.pareto_front(F)
    assert gd(F[nd], front) < 0.02
    assert dl.pareto_front(front).all()


@pytest.mark.parametrize("name", ZDT + DTLZ)
def test_random_solutions_are_no_better_than_the_front(name, rng):
    problem = getattr(dl.problems, name)()
    F, _ = problem.evaluate(problem.xl + rng.random((500, problem.n_var)) * (problem.xu - problem.xl))
    front = problem.pareto_front(500)
    ref = 1.1 * front.max(axis=0) + 1e-9
    assert hypervolume(F, ref) <= hypervolume(front, ref) * (1 + 1e-9)


def test_true_front_hypervolumes():
    zdt1 = dl.problems.zdt1().pareto_front(10000)
    assert hypervolume(zdt1, [1.0, 1.0]) == pytest.approx(2 / 3, abs=1e-4)  # 1 - int sqrt
    zdt2 = dl.problems.zdt2().pareto_front(10000)
    assert hypervolume(zdt2, [1.0, 1.0]) == pytest.approx(1 / 3, abs=1e-4)
    sphere = dl.problems.dtlz2().pareto_front(5000)
    assert np.allclose((sphere**2).sum(axis=1), 1.0)
    assert dl.problems.dtlz1().pareto_front(91).sum(axis=1) == pytest.approx(0.5)


def test_das_dennis():
    W = das_dennis(n_partitions=12, n_obj=3)
    assert W.shape == (91, 3) and np.allclose(W.sum(axis=1), 1.0)
    assert das_dennis_partitions(91, 3) == 12 and das_dennis_partitions(90, 3) == 11
    assert das_dennis(n_partitions=3, n_obj=2).tolist() == [[0, 1], [1 / 3, 2 / 3], [2 / 3, 1 / 3], [1, 0]]


def test_igd_and_gd():
    front = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert igd(front, front) == 0.0
    assert igd(np.array([[0.0, 1.0]]), front) == pytest.approx(np.sqrt(2) / 2)
    assert gd(np.array([[0.0, 1.0]]), front) == 0.0
    assert igd(np.zeros((0, 2)), front) == np.inf
