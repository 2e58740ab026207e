import numpy as np
import pytest

import dynast_lite as dl


def sphere(X):
    return (X**2).sum(axis=1)


def test_evaluate_shapes_and_single_objective_vector():
    p = dl.Problem(3, 1, -1, 1, evaluate=sphere)
    F, G = p.evaluate(np.zeros((4, 3)))
    assert F.shape == (4, 1) and G.shape == (4, 0)
    assert p.objective_names == ("f1",)


def test_constraints_and_violation():
    p = dl.Problem(2, 2, 0, 1, evaluate=lambda X: (X, X.sum(1, keepdims=True) - 1.0), n_constr=1)
    F, G, cv = p.check_evaluations(2, [[0, 0], [1, 1]], [[-1.0], [0.5]])
    assert cv.tolist() == [0.0, 0.5]
    F, G = p.evaluate(np.array([[0.2, 0.3]]))
    assert G.tolist() == [[-0.5]]
    with pytest.raises(ValueError, match="no G was given"):
        p.check_evaluations(1, [[0, 0]])


def test_nan_is_an_error_unless_declared_failure():
    p = dl.Problem(1, 2, 0, 1)
    with pytest.raises(ValueError, match="NaN objectives.*nan_is_failure=True"):
        p.check_evaluations(2, [[0, 1], [np.nan, 1]])
    q = dl.Problem(1, 2, 0, 1, nan_is_failure=True)
    _, _, cv = q.check_evaluations(2, [[0, 1], [np.nan, 1]])
    assert cv.tolist() == [0.0, np.inf]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_var=0, n_obj=1, xl=0, xu=1), "n_var must be a positive int"),
        (dict(n_var=2, n_obj=1, xl=[0, 2], xu=1), r"xl\[1\] = 2.0 is above xu\[1\] = 1.0"),
        (dict(n_var=2, n_obj=1, xl=0, xu=1.5, integer=True), "whole-number bounds"),
        (dict(n_var=2, n_obj=2, xl=0, xu=1, objective_names=["a"]), "1 names for 2 objectives"),
    ],
)
def test_bad_problem_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        dl.Problem(**kwargs)


def test_bad_batches():
    p = dl.Problem(2, 1, 0, 1, integer=[True, False], evaluate=lambda X: X[:, :1])
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        p.evaluate(np.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"X\[0, 1\] = 2.0 is outside"):
        p.evaluate(np.array([[0.0, 2.0]]))
    with pytest.raises(ValueError, match="non-integer"):
        p.evaluate(np.array([[0.5, 0.5]]))
    with pytest.raises(ValueError, match=r"F must have shape \(1, 1\)"):
        p.check_evaluations(1, [[1.0, 2.0]])
    with pytest.raises(ValueError, match="no evaluate function"):
        dl.Problem(1, 1, 0, 1).evaluate(np.zeros((1, 1)))
