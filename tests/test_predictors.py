import numpy as np
import pytest

from dynast_lite.predictors import MLP, PREDICTORS, AutoPredictor, KernelRidge, Ridge, kendall_tau
from dynast_lite.predictors.gcv import gcv_score

ALL = [Ridge, KernelRidge, MLP, AutoPredictor]


def data(rng, n=120, p=12, nonlinear=False):
    X = rng.integers(0, 2, (n, p)).astype(float)
    w = rng.normal(size=p)
    y = X @ w
    if nonlinear:  # peaked in the linear score: no linear model can rank it
        y = -((y - np.median(y)) ** 2)
    return X, y + 0.01 * rng.normal(size=n)


@pytest.mark.parametrize("cls", ALL)
def test_contract_fit_returns_self_and_is_deterministic(cls, rng):
    X, y = data(rng)
    model = cls()
    assert model.fit(X, y) is model
    p1 = model.predict(X)
    p2 = cls().fit(X, y).predict(X)
    assert p1.shape == (len(X),) and np.array_equal(p1, p2)
    assert all(not k.endswith("_") for k in cls().__dict__)  # nothing fitted in __init__


@pytest.mark.parametrize("cls", ALL)
def test_constant_targets_and_tiny_samples(cls, rng):
    X, _ = data(rng, n=20)
    const = cls().fit(X, np.full(20, 3.5)).predict(X)
    assert np.allclose(const, 3.5)
    one = cls().fit(X[:1], [2.0]).predict(X[:3])
    assert np.allclose(one, 2.0)
    three = cls().fit(X[:3], [1.0, 2.0, 3.0]).predict(X[:3])  # folds of one row at most
    assert np.isfinite(three).all()


@pytest.mark.parametrize("cls", ALL)
def test_bad_use_is_reported(cls, rng):
    X, y = data(rng, n=30)
    with pytest.raises(RuntimeError, match="not fitted"):
        cls().predict(X)
    model = cls().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :-1])
    with pytest.raises(ValueError, match="NaN"):
        cls().fit(X, np.r_[y[:-1], np.nan])
    with pytest.raises(ValueError, match="rows but y has"):
        cls().fit(X, y[:-1])
    with pytest.raises(ValueError, match="no parameter 'gamma'"):
        cls().set_params(gamma=1)
    assert cls().set_params(**cls().get_params()).get_params() == cls().get_params()


def test_ridge_equals_the_closed_form(rng):
    X, y = data(rng)
    model = Ridge(alpha=0.7).fit(X, y)
    Xc, yc = X - X.mean(0), y - y.mean()
    coef = np.linalg.solve(Xc.T @ Xc + 0.7 * np.eye(X.shape[1]), Xc.T @ yc)
    assert np.allclose(model.coef_, coef)
    assert np.allclose(model.predict(X), Xc @ coef + y.mean())


def test_ridge_gcv_alpha_minimises_the_explicit_gcv(rng):
    X, y = data(rng, n=60, p=20)
    chosen = Ridge().fit(X, y).alpha_
    Xc, yc = X - X.mean(0), y - y.mean()

    def gcv(alpha):  # modified GCV (gamma 1.4) from the hat matrix itself, intercept included
        H = Xc @ np.linalg.solve(Xc.T @ Xc + alpha * np.eye(20), Xc.T)
        r = yc - H @ yc
        return len(y) * (r @ r) / (len(y) - 1.4 * (np.trace(H) + 1)) ** 2

    grid = np.logspace(-6, 4, 200)
    assert gcv(chosen) <= min(gcv(a) for a in grid) * (1 + 1e-6)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    c = U.T @ yc
    assert gcv_score(np.log(chosen), s**2, c, yc @ yc - c @ c, len(y), 1, 1.4) == pytest.approx(gcv(chosen))


def test_kernel_ridge_equals_a_direct_solve(rng):
    X, y = data(rng, n=50)
    model = KernelRidge(alpha=0.3, length_scale=1.5).fit(X, y)
    D2 = ((X[:, None] - X[None]) ** 2).sum(-1)
    K = np.exp(-D2 / (2 * 1.5**2))
    dual = np.linalg.solve(K + 0.3 * np.eye(50), y - y.mean())
    assert np.allclose(model.predict(X), K @ dual + y.mean())


@pytest.mark.parametrize("alpha", [0.3, None])
def test_kernel_ridge_std_is_the_gaussian_process_posterior(rng, alpha):
    """Oracle: the posterior of a GP with kernel s^2 k and noise s^2 alpha, by explicit
    inverses, s^2 = y' (K + alpha I)^-1 y / n."""
    X, y = data(rng, n=40)
    model = KernelRidge(alpha=alpha, length_scale=1.5).fit(X, y)
    Xt = np.vstack([X[:5], rng.normal(size=(30, X.shape[1])), 50 + X[:3]])
    k = lambda A, B: np.exp(-((A[:, None] - B[None]) ** 2).sum(-1) / (2 * 1.5**2))  # noqa: E731
    inv = np.linalg.inv(k(X, X) + model.alpha_ * np.eye(40))
    yc = y - y.mean()
    s2 = yc @ inv @ yc / 40
    Kt = k(Xt, X)
    var = s2 * (1.0 - np.einsum("ij,jk,ik->i", Kt, inv, Kt))
    std = model.predict_std(Xt)
    assert np.allclose(std, np.sqrt(np.maximum(var, 0)), rtol=1e-6, atol=1e-9)
    assert std[-3:] == pytest.approx(np.sqrt(s2))  # far from every training row: the prior
    assert (std[:5] < std[5:35].min()).all()  # at training rows: less unsure than anywhere else
    assert np.array_equal(KernelRidge().fit(X, np.full(40, 2.0)).predict_std(Xt), np.zeros(len(Xt)))


def test_nonlinear_models_rank_a_nonlinear_target_better_than_ridge(rng):
    X, y = data(rng, n=300, p=10, nonlinear=True)
    Xt, yt = X[200:], y[200:]
    tau = {c.__name__: kendall_tau(c().fit(X[:200], y[:200]).predict(Xt), yt) for c in ALL}
    assert tau["KernelRidge"] > tau["Ridge"] + 0.05
    assert tau["MLP"] > tau["Ridge"]
    assert tau["AutoPredictor"] >= max(tau["Ridge"], tau["KernelRidge"]) - 0.05


def test_auto_predictor_reports_its_choice(rng):
    X, y = data(rng, n=150, nonlinear=True)
    auto = AutoPredictor(candidates=tuple(PREDICTORS), seed=3).fit(X, y)
    assert set(auto.scores_) == set(PREDICTORS)
    assert set(auto.chosen_) <= set(PREDICTORS) and np.isclose(auto.weights_.sum(), 1.0)
    best = max(auto.scores_, key=auto.scores_.get)
    assert best in auto.chosen_
    with pytest.raises(ValueError, match="unknown predictor 'svr'"):
        AutoPredictor(candidates=("svr",)).fit(X, y)


def test_kendall_tau_edge_cases():
    assert kendall_tau(np.array([1.0]), np.array([2.0])) == 0.0
    assert kendall_tau(np.ones(5), np.arange(5.0)) == 0.0
    assert kendall_tau(np.arange(5.0), np.arange(5.0)) == pytest.approx(1.0)


def test_ridge_falls_back_when_the_fast_svd_fails(rng, monkeypatch):
    X, y = data(rng)
    expected = Ridge().fit(X, y).predict(X)

    def fail(*args, **kwargs):
        raise np.linalg.LinAlgError("SVD did not converge")

    monkeypatch.setattr(np.linalg, "svd", fail)
    assert np.allclose(Ridge().fit(X, y).predict(X), expected)


@pytest.mark.parametrize("n", [2, 3, 10, 57, 600, 4500])
def test_kendall_tau_equals_scipy_s_tau_b_with_ties(n):
    from scipy.stats import kendalltau

    rng = np.random.default_rng(n)
    for a, b in [
        (rng.normal(size=n), rng.normal(size=n)),
        (rng.integers(0, 4, n).astype(float), rng.integers(0, 3, n).astype(float)),
        (np.arange(n, dtype=float), np.arange(n, dtype=float)[::-1] + rng.integers(0, 2, n)),
    ]:
        expected = kendalltau(a, b).statistic
        expected = 0.0 if not np.isfinite(expected) else expected
        assert kendall_tau(a, b) == pytest.approx(expected, abs=1e-12)
