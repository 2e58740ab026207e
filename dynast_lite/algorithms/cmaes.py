"""CMA-ES (Hansen & Ostermeier 2001; Hansen 2016's tutorial) for one objective, with bounds,
integer variables and IPOP restarts (Auger & Hansen 2005) inside the evaluation budget."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from ..operators.sampling import random_candidates
from .base import Algorithm, Result

__all__ = ["CMAES"]

_RESAMPLE_TRIES = 10


class CMAES(Algorithm):
    """CMA-ES on the box [xl, xu], searched in coordinates scaled to [0, 1].

    Integer variables are sampled continuously over their range widened by half a step, then
    rounded; a margin (Hamano et al. 2022, simplified) keeps each integer coordinate's spread
    large enough that a sample leaves the mean's integer with probability at least
    ``1 / (n_var * lambda)``, so the search never freezes on a plateau. Samples outside the box
    are mirrored back in and the mirrored points drive the update. A run restarts from a random
    mean with a doubled population when the step size collapses, the covariance becomes
    ill-conditioned, the best values stagnate, or no new candidate can be drawn.

    Args:
        pop_size: offspring per generation (lambda) of the first run; default 4 + 3 ln(n_var).
        sigma0: initial step size, as a fraction of each variable's range.
        x0: initial mean (in the problem's units); default random.
        restarts: whether to restart (IPOP) when a run converges.
        tol_x, tol_fun: step-size and best-value stagnation tolerances (scaled units).
        seed: seed of the run's random generator.
    """

    n_obj_range = (1, 1)
    name = "cmaes"

    def __init__(
        self,
        pop_size: int | None = None,
        sigma0: float = 0.3,
        x0=None,
        restarts: bool = True,
        tol_x: float = 1e-11,
        tol_fun: float = 1e-12,
        seed: int | None = None,
    ):
        super().__init__(pop_size=1 if pop_size is None else pop_size, seed=seed)
        self._lambda0 = pop_size
        if not sigma0 > 0:
            raise ValueError(f"sigma0 must be > 0, got {sigma0!r}")
        self.sigma0 = float(sigma0)
        self.x0 = None if x0 is None else np.asarray(x0, dtype=np.float64)
        self.restarts = restarts
        self.tol_x = tol_x
        self.tol_fun = tol_fun

    # -- set-up and restarts ---------------------------------------------------------------------

    def _setup(self) -> None:
        p = self.problem
        n = p.n_var
        half = np.where(p.integer, 0.5, 0.0)
        self._lo = p.xl - half
        self._span = np.maximum(p.xu + half - self._lo, 1e-12)
        if self.x0 is not None and self.x0.shape != (n,):
            raise ValueError(f"x0 must have shape ({n},), got {self.x0.shape}")
        self.lam = self._lambda0 or 4 + int(3 * np.log(n))
        self.n_restarts = 0
        self.best = (None, None, None, np.inf, np.inf)  # X, F, G, cv, f
        self.last = (np.zeros((0, n)), np.zeros((0, 1)), np.zeros((0, p.n_constr)), np.zeros(0))
        m0 = np.full(n, 0.5) if self.x0 is None else (self.x0 - self._lo) / self._span
        self._start(np.clip(m0, 0.0, 1.0) if self.x0 is not None else self.rng.random(n))

    def _start(self, mean: np.ndarray) -> None:
        n = mean.shape[0]
        lam = self.lam
        mu = lam // 2
        w = np.log(mu + 0.5) - np.log(np.arange(1, mu + 1))
        self.weights = w / w.sum()
        self.mu_eff = 1.0 / (self.weights**2).sum()
        me = self.mu_eff
        self.c_sigma = (me + 2.0) / (n + me + 5.0)
        self.d_sigma = 1.0 + 2.0 * max(0.0, np.sqrt((me - 1.0) / (n + 1.0)) - 1.0) + self.c_sigma
        self.c_c = (4.0 + me / n) / (n + 4.0 + 2.0 * me / n)
        self.c_1 = 2.0 / ((n + 1.3) ** 2 + me)
        self.c_mu = min(1.0 - self.c_1, 2.0 * (me - 2.0 + 1.0 / me) / ((n + 2.0) ** 2 + me))
        self.chi_n = np.sqrt(n) * (1.0 - 1.0 / (4.0 * n) + 1.0 / (21.0 * n * n))
        self.mean = mean
        self.sigma = self.sigma0
        self.C = np.eye(n)
        self.B = np.eye(n)
        self.D = np.ones(n)
        self.p_sigma = np.zeros(n)
        self.p_c = np.zeros(n)
        self.inv_sqrt = np.eye(n)
        self.gen = 0
        self._eigen_gen = 0
        # refresh B and D only every few generations (Hansen's lazy update): O(n^3) less often
        self._eigen_every = max(1, int(lam / ((self.c_1 + self.c_mu) * n * 10)))
        self.history: list[float] = []
        self._pending: dict[bytes, np.ndarray] = {}
        self._stuck = False

    def _restart(self) -> None:
        if not self.restarts:
            return
        self.n_restarts += 1
        self.lam *= 2
        self._start(self.rng.random(self.problem.n_var))

    # -- ask -------------------------------------------------------------------------------------

    def _margin_std(self) -> np.ndarray:
        """Extra std per coordinate that the integer margin requires (0 for continuous ones)."""
        p = self.problem
        extra = np.zeros(p.n_var)
        if not p.integer.any():
            return extra
        idx = np.flatnonzero(p.integer)
        cell = 1.0 / self._span[idx]  # width of one integer value in scaled units
        pos = self.mean[idx] / cell
        frac = pos - np.floor(pos)
        near = np.minimum(frac, 1.0 - frac) * cell
        alpha = 1.0 / (p.n_var * self.lam)
        need = near / -NormalDist().inv_cdf(alpha)
        have = self.sigma * np.sqrt(np.diag(self.C)[idx])
        extra[idx] = np.sqrt(np.maximum(need**2 - have**2, 0.0))
        return extra

    def _sample(self, k: int) -> np.ndarray:
        n = self.problem.n_var
        Z = self.rng.standard_normal((k, n))
        U = self.mean + self.sigma * (Z * self.D) @ self.B.T
        U += self.rng.standard_normal((k, n)) * self._margin_std()
        U = np.abs(U)  # mirror into [0, 1]
        U = 1.0 - np.abs(1.0 - np.mod(U, 2.0))
        return U

    def _to_x(self, U: np.ndarray) -> np.ndarray:
        p = self.problem
        X = self._lo + U * self._span
        if p.integer.any():
            X[:, p.integer] = np.rint(X[:, p.integer])
        return np.clip(X, p.xl, p.xu)

    def _ask(self) -> np.ndarray:
        lam = self.lam
        rows_u: list[np.ndarray] = []
        rows_x: list[np.ndarray] = []
        taken: set[bytes] = set()
        for _ in range(_RESAMPLE_TRIES):
            need = lam - sum(len(r) for r in rows_x)
            if need <= 0:
                break
            U = self._sample(need)
            X = self._to_x(U)
            keep = self.archive.new_unique(X, taken)
            rows_u.append(U[keep])
            rows_x.append(X[keep])
        have = sum(len(r) for r in rows_x)
        if have < lam:
            # the distribution keeps proposing known points: converged on a discrete plateau
            self._stuck = True
            p = self.problem
            extra = random_candidates(2 * (lam - have), p.xl, p.xu, p.integer, self.rng)
            keep = self.archive.new_unique(extra, taken)[: lam - have]
            rows_x.append(extra[keep])
            rows_u.append(np.clip((extra[keep] - self._lo) / self._span, 0.0, 1.0))
        X = np.concatenate(rows_x)
        U = np.concatenate(rows_u)
        self._pending = dict(zip(self.archive.keys(X), U, strict=True))
        return X

    # -- tell ------------------------------------------------------------------------------------

    def _tell(self, X, F, G, cv) -> None:
        f = F[:, 0]
        key = np.where(cv > 0, np.inf, f)  # failed rows have cv = inf
        order = np.lexsort((key, cv))  # feasible by value, then infeasible by violation
        b = order[0]
        if (cv[b], key[b]) < (self.best[3], self.best[4]):
            self.best = (X[b : b + 1], F[b : b + 1], G[b : b + 1], cv[b : b + 1], key[b])
        self.last = (X, F, G, cv)
        keys = self.archive.keys(X)
        # the continuous samples behind asked rows; rows told unasked are mapped back
        U = np.array(
            [
                self._pending[k] if k in self._pending else np.clip((x - self._lo) / self._span, 0.0, 1.0)
                for k, x in zip(keys, X, strict=True)
            ]
        )
        mu = min(len(self.weights), X.shape[0] // 2)
        if mu >= 1:
            self._update(U[order[:mu]], self.weights[:mu] / self.weights[:mu].sum())
        self.history.append(float(key[b]) if np.isfinite(key[b]) else float(cv[b]) + 1e300)
        if self._should_restart():
            self._restart()

    def _update(self, Y_sel: np.ndarray, w: np.ndarray) -> None:
        n = self.mean.shape[0]
        old = self.mean
        Y = (Y_sel - old) / self.sigma
        y_w = w @ Y
        self.mean = np.clip(old + self.sigma * y_w, 0.0, 1.0)
        mu_eff = 1.0 / (w**2).sum()
        c_s, c_c, c_1, c_mu = self.c_sigma, self.c_c, self.c_1, self.c_mu
        self.p_sigma = (1 - c_s) * self.p_sigma + np.sqrt(c_s * (2 - c_s) * mu_eff) * (self.inv_sqrt @ y_w)
        self.gen += 1
        norm_ps = np.linalg.norm(self.p_sigma)
        h_sigma = norm_ps / np.sqrt(1 - (1 - c_s) ** (2 * self.gen)) < (1.4 + 2 / (n + 1)) * self.chi_n
        self.p_c = (1 - c_c) * self.p_c + h_sigma * np.sqrt(c_c * (2 - c_c) * mu_eff) * y_w
        rank_mu = (Y * w[:, None]).T @ Y
        self.C = (
            (1 - c_1 - c_mu + (1 - h_sigma) * c_1 * c_c * (2 - c_c)) * self.C
            + c_1 * np.outer(self.p_c, self.p_c)
            + c_mu * rank_mu
        )
        self.sigma *= np.exp((c_s / self.d_sigma) * (norm_ps / self.chi_n - 1))
        self.sigma = min(self.sigma, 1e3)
        if self.gen - self._eigen_gen >= self._eigen_every:
            self._eigen_gen = self.gen
            self.C = (self.C + self.C.T) / 2
            evals, self.B = np.linalg.eigh(self.C)
            self.D = np.sqrt(np.maximum(evals, 1e-300))
            self.inv_sqrt = (self.B / self.D) @ self.B.T

    def _should_restart(self) -> bool:
        n = self.mean.shape[0]
        if self._stuck:
            return True
        if self.sigma * self.D.max() < self.tol_x:
            return True
        if self.D.max() / self.D.min() > 1e7:
            return True
        window = 10 + int(np.ceil(30 * n / self.lam))
        h = self.history[-window:]
        return len(h) >= window and max(h) - min(h) < self.tol_fun

    def result(self) -> Result:
        self._require_setup()
        X, F, G, cv, _ = self.best
        if X is None:
            e = np.zeros((0, self.problem.n_var))
            return Result(
                e,
                np.zeros((0, 1)),
                np.zeros((0, self.problem.n_constr)),
                np.zeros(0, bool),
                self.n_evals,
                *self.last[:3],
            )
        return Result(X, F, G, cv <= 0, self.n_evals, *self.last[:3])
