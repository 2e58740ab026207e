"""LINAS (Cummings et al. 2022): alternate real measurements with an evolutionary search on
cheap predictions.

Each loop measures a batch, refits one predictor per optimization metric on everything
measured so far (metrics the evaluator computes exactly and cheaply are used as they are), runs
the inner search on the predictions, and takes the next batch from its best candidates, never
one already measured. Differences from DyNAS-T 1.6: the last batch the inner search proposes is
measured too (DyNAS-T returns it unmeasured), predictions are batched, the inner search starts
from what has been measured, every loop has its own seeded inner seed, and each predictor's
Kendall tau on the batch it chose is logged before that batch is measured.

Three further changes, measured on the OFA surrogate benchmark (hypervolume after 100
validations, median of 5 seeds: 852 without them, 886 with the first alone, 892 with all):

* the predictors also get the exact cheap metrics (MACs, params) as inputs;
* with exact metrics among the objectives, the first random batch is spread evenly over them
  (picked from 20 times as many random candidates);
* the next batch is picked greedily by predicted hypervolume gain over the measured front
  (up to three objectives), so it does not crowd where the front is already known; the
  measured sub-networks enter that front at their predicted objectives, so that predictions
  meet predictions (measured on digits, the OFA surrogate and a synthetic supernet; see
  ``_scored_front``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._kernels.crowding import crowding_distance_by_front
from .._kernels.ranking import constrained_rank
from ..algorithms.registry import make_algorithm
from ..indicators import pareto_front as dl_pareto
from ..metrics import get_metric, objectives
from ..operators.duplicates import RowArchive
from ..predictors import PREDICTORS, AutoPredictor
from ..predictors.auto import kendall_tau
from ..predictors.kernel_ridge import KernelRidge
from ..problem import Problem
from .evolutionary import next_seed

log = logging.getLogger("dynast_lite.linas")

#: how many standard deviations of a predicted objective's uncertainty (a Gaussian-process
#: posterior, ``KernelRidge.predict_std``) a candidate is credited with when the next batch is
#: picked by hypervolume gain; 0 picks by the predictions alone. Off: on the OFA surrogate
#: benchmark (batches of 10, median of 5 seeds) 0.5 reached 925 at 100 validations and 983 at
#: 250, 1 and 2 reached 910 and 906 at 100, against 920 and 997 without it.
OPTIMISM = 0.0

#: score each batch against the surrogate's predictions of the measured sub-networks rather than
#: their measurements (``_scored_front``); False is the earlier rule, kept for the ablation
SCORE_AGAINST_PREDICTED = True


def _predictor(name: str, seed: int):
    if name == "auto":
        return AutoPredictor(seed=seed)
    cls = PREDICTORS[name]
    return cls(seed=seed) if "seed" in cls().get_params() else cls()


def _best_first(F: np.ndarray, cv: np.ndarray) -> np.ndarray:
    """Row order by constrained rank, then crowding distance (larger first)."""
    rank = constrained_rank(F, cv)
    crowd = np.zeros(F.shape[0])
    ok = cv <= 0
    if ok.any() and F.shape[1] > 1:
        crowd[ok] = crowding_distance_by_front(F[ok], rank[ok])
    return np.lexsort((-crowd, rank))


def _first_batch(starter: Any, measurer: Any, exact: list[str], n: int) -> np.ndarray:
    """``n`` random candidates; with exact cheap metrics, drawn from 20n random ones so that
    they spread evenly over those metrics' range (a better first training set and front)."""
    if not exact:
        return starter.ask()[:n]
    pool = []
    while sum(len(p) for p in pool) < 20 * n:
        X = starter.ask()
        if X.shape[0] == 0:
            break
        starter.archive.add(X)
        pool.append(X)
    X = np.concatenate(pool) if pool else np.zeros((0, measurer.space.n_var))
    if X.shape[0] <= n:
        return X
    values = measurer.cheap(X, exact)
    key = np.column_stack([values[m] for m in exact])
    # even quantiles along the first exact metric; ties broken by the others
    order = np.lexsort(key.T[::-1])
    return X[order[np.linspace(0, X.shape[0] - 1, n).round().astype(int)]]


def _greedy_gain(
    CF: np.ndarray,
    order: np.ndarray,
    base: np.ndarray,
    k: int,
    eligible: np.ndarray | None = None,
    hopeful: np.ndarray | None = None,
) -> np.ndarray:
    """Pick k candidates (from the first 4k in ``order``) one at a time, each the one whose
    predicted point adds the most hypervolume to the front of ``base`` (the measured
    sub-networks, ``_scored_front``) plus the points already picked; only ``eligible``
    candidates (predicted feasible) compete. With ``hopeful`` (each candidate's optimistic
    objectives: the prediction less its uncertainty), a candidate is scored by what its
    optimistic point would add, and once picked its predicted point joins the front (so the
    picks spread out). When none adds any, the rest follow ``order``."""
    from ..indicators import hypervolume

    m = CF.shape[1]
    if m > 3 or k <= 0:
        return order[:k]
    base = base[np.isfinite(base).all(axis=1)]
    ok = np.isfinite(CF).all(axis=1) if eligible is None else eligible & np.isfinite(CF).all(axis=1)
    pool = [i for i in order[: 4 * k] if ok[i]]
    if base.shape[0] == 0 or not pool:
        return order[:k]
    H = CF if hopeful is None else hopeful
    points = np.vstack([base, CF[pool], H[pool]])
    span = np.ptp(points, axis=0)
    ref = points.max(axis=0) + 0.1 * np.where(span > 0, span, 1.0)
    front = base[dl_pareto(base)]
    chosen: list[int] = []
    current = hypervolume(front, ref)
    while len(chosen) < k and pool:
        gains = np.array([hypervolume(np.vstack([front, H[i]]), ref) - current for i in pool])
        j = int(np.argmax(gains))
        if gains[j] <= 0:
            break
        i = pool.pop(j)
        chosen.append(i)
        front = np.vstack([front, CF[i]])
        current = hypervolume(front, ref)
    taken = set(chosen)
    rest = [i for i in order if i not in taken]
    return np.asarray(chosen + rest[: k - len(chosen)], dtype=np.int64)


class _Inputs:
    """Predictor inputs: the space's features plus the evaluator's exact cheap metrics,
    standardised on the rows the predictors are trained on (log scale where all are positive).
    A sub-network's size and cost say much about its accuracy, and they are known exactly for
    every candidate, so the predictors get them for free."""

    def __init__(self, space: Any, measurer: Any, exact: list[str]):
        self.space, self.measurer, self.exact = space, measurer, exact
        self.log = np.zeros(len(exact), bool)
        self.mu = np.zeros(len(exact))
        self.sd = np.ones(len(exact))

    def _matrix(self, values: dict[str, np.ndarray]) -> np.ndarray:
        E = np.column_stack([values[m] for m in self.exact])
        return np.where(self.log, np.log(np.where(self.log, E, 1.0)), E)

    def fit(self, X: np.ndarray) -> _Inputs:
        if self.exact:
            values = self.measurer.cheap(X, self.exact)
            E = np.column_stack([values[m] for m in self.exact])
            self.log = (E > 0).all(axis=0)
            T = self._matrix(values)
            self.mu, sd = T.mean(axis=0), T.std(axis=0)
            # a metric constant over the training rows (up to rounding) carries no signal
            self.sd = np.where(sd > 1e-9 * np.maximum(np.abs(self.mu), 1.0), sd, np.inf)
        return self

    def __call__(self, X: np.ndarray, values: dict[str, np.ndarray] | None = None) -> np.ndarray:
        feats = self.space.features(X, check=False)  # rows of the space: asked for or measured
        if not self.exact:
            return feats
        if values is None:
            values = self.measurer.cheap(X, self.exact)
        return np.c_[feats, (self._matrix(values) - self.mu) / self.sd]


@dataclass(frozen=True)
class _Targets:
    """Which metrics a LINAS run predicts and which it takes exactly from the evaluator.

    Attributes:
        names: the optimization metrics (objectives, in order).
        exact: metrics the evaluator computes exactly and cheaply, used as they are.
        predicted: objective and constrained metrics that need a predictor, in order.
        inputs: exact metrics fed to the predictors as inputs.
    """

    names: tuple[str, ...]
    exact: frozenset[str]
    predicted: tuple[str, ...]
    inputs: tuple[str, ...]

    @classmethod
    def of(cls, ctx: Any) -> _Targets:
        ev = ctx.evaluator
        inputs = tuple(m for m in (getattr(ev, "exact_metrics", ()) or ()) if m in ev.metrics)
        names = tuple(ctx.settings.optimization_metrics)
        wanted = list(names) + [c.metric for c in ctx.constraints if c.metric not in names]
        exact = frozenset(inputs) & set(wanted)
        return cls(names, exact, tuple(m for m in wanted if m not in exact), inputs)

    def cheap(self) -> list[str]:
        """Exact metrics the surrogate asks the evaluator for."""
        return sorted(set(self.inputs) | self.exact)


class _Surrogate:
    """Objectives and constraints of unmeasured candidates: exact metrics from the evaluator,
    the others from one predictor each (fitted on objective-form values)."""

    def __init__(
        self,
        ctx: Any,
        targets: _Targets,
        models: dict[str, Any],
        inputs: _Inputs,
        doubt: dict[str, Any] | None = None,
    ):
        self.ctx, self.targets, self.models, self.inputs = ctx, targets, models, inputs
        self.doubt = doubt or {}

    def hopeful(self, X: np.ndarray, F: np.ndarray) -> np.ndarray | None:
        """``F`` (predicted objectives of ``X``) less ``OPTIMISM`` standard deviations of each
        predicted objective's uncertainty; None without an uncertainty model."""
        cols = [(j, m) for j, m in enumerate(self.targets.names) if m in self.doubt]
        if not cols or OPTIMISM == 0:
            return None
        feats = self.inputs(X)
        H = F.copy()
        for j, m in cols:
            H[:, j] -= OPTIMISM * self.doubt[m].predict_std(feats)
        return H

    def values(self, X: np.ndarray) -> dict[str, np.ndarray]:
        """Metric name -> objective-form values (minimised) of every target metric."""
        exact = self.ctx.measurer.cheap(X, self.targets.cheap())
        out = {m: get_metric(m).to_objective(exact[m]) for m in self.targets.exact}
        if self.targets.predicted:
            feats = self.inputs(X, exact)
            out.update({m: self.models[m].predict(feats) for m in self.targets.predicted})
        return out

    def __call__(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray | None, dict[str, np.ndarray]]:
        values = self.values(X)
        F = np.column_stack([values[m] for m in self.targets.names])
        G = None
        if self.ctx.constraints:
            G = np.column_stack(
                [
                    c.violation(get_metric(c.metric).from_objective(values[c.metric]))
                    for c in self.ctx.constraints
                ]
            )
        return F, G, values


def _fit_surrogate(
    ctx: Any, targets: _Targets, known_X: np.ndarray, known: list, seeds: Any
) -> _Surrogate | None:
    """One predictor per predicted metric on everything measured; None with too few rows."""
    inputs = _Inputs(ctx.space, ctx.measurer, list(targets.inputs)).fit(known_X)
    known_in = inputs(known_X)
    models: dict[str, Any] = {}
    doubt: dict[str, Any] = {}
    for m in targets.predicted:
        y = objectives([r.values for r in known], [m])[:, 0]
        ok = np.isfinite(y)
        if ok.sum() < 2:
            return None
        seed = next_seed(seeds)
        models[m] = _predictor(ctx.settings.predictor, seed).fit(known_in[ok], y[ok])
        if OPTIMISM:
            has_std = callable(getattr(models[m], "predict_std", None))
            doubt[m] = models[m] if has_std else KernelRidge(seed=seed).fit(known_in[ok], y[ok])
    return _Surrogate(ctx, targets, models, inputs, doubt)


def _inner_search(ctx: Any, surrogate: _Surrogate, known_X: np.ndarray, known_pred: tuple, seed: int):
    """The inner evolutionary search on the surrogate, from the measured candidates.

    Returns:
        ``(C, CF, CG, values, final)``: every candidate evaluated, its predicted objectives,
        constraints (or None) and metric values, and the final population; None when nothing
        unmeasured is left in the space.
    """
    s, space = ctx.settings, ctx.space
    inner = Problem(
        space.n_var,
        len(s.optimization_metrics),
        space.xl,
        space.xu,
        integer=True,
        n_constr=len(ctx.constraints),
        nan_is_failure=True,
    )
    algo = make_algorithm(s.search_algo, pop_size=s.population, seed=seed).setup(inner)
    # The inner search knows every measured candidate (so it never proposes one again) and
    # starts from the best of them, as predicted.
    algo.tell(known_X, *known_pred)
    seen: list[tuple] = []
    spent = 0
    while spent < s.inner_evals:
        X = algo.ask()[: s.inner_evals - spent]
        if X.shape[0] == 0:
            break
        F, G, values = surrogate(X)
        algo.tell_checked(X, *inner.check_evaluations(X.shape[0], F, G))  # X: rows it asked for
        seen.append((X, F, G, values))
        spent += X.shape[0]
    if not seen:
        return None
    # each network once, none measured already (rows differing in inactive genes are one network)
    C = ctx.space.canonical(np.concatenate([x[0] for x in seen]))
    measured = RowArchive(integer=True)
    measured.add(known_X)
    keep = measured.new_unique(C)
    if keep.size == 0:
        return None
    CF = np.concatenate([x[1] for x in seen])[keep]
    CG = None if seen[0][2] is None else np.concatenate([x[2] for x in seen])[keep]
    values = {m: np.concatenate([x[3][m] for x in seen])[keep] for m in seen[0][3]}
    return C[keep], CF, CG, values, ctx.space.canonical(algo.result().pop_X)


def _scored_front(known_P: np.ndarray, known_F: np.ndarray, known_G) -> np.ndarray:
    """The measured sub-networks a batch is scored against: each that measured without failure
    and feasible, at its *predicted* objectives ``known_P`` (rows as ``known_F``, the measured
    ones), shape (n_ok, n_obj).

    Predictions shrink towards the mean, and the best measurements are the luckiest (a small
    validation set gives a few sub-networks a point or two they would not keep), so scored
    against measured values no candidate beats the measured front where it is dense, and the
    picks crowd where it is empty. Against the surrogate's own view of the measured ones, the
    comparison is like with like. Median of 10 seeds at 100 validations: digits 2.390 -> 2.476
    (2 objectives) and 0.284 -> 0.293 (3); the OFA surrogate and the synthetic supernet level.
    """
    ok = np.isfinite(known_F).all(axis=1)
    if known_G is not None:
        ok &= (known_G <= 0).all(axis=1)
    return (known_P if SCORE_AGAINST_PREDICTED else known_F)[ok]


def _choose_batch(C, CF, CG, final, base: np.ndarray, k: int, surrogate: _Surrogate) -> np.ndarray:
    """Indices of the next batch: the final population first, then the rest of what the inner
    search evaluated, each by constrained rank and crowding; then picked from the head of that
    order by predicted hypervolume gain over ``base`` (``_scored_front``)."""
    cv = np.where(np.isfinite(CF).all(axis=1), 0.0, np.inf)
    if CG is not None:
        cv = cv + np.maximum(np.nan_to_num(CG, nan=np.inf), 0.0).sum(axis=1)
    final_keys = {r.tobytes() for r in final}
    in_final = np.array([r.tobytes() in final_keys for r in C])
    order = _best_first(np.nan_to_num(CF, nan=np.inf), cv)
    order = np.concatenate([order[in_final[order]], order[~in_final[order]]])
    head = order[: 4 * k]
    H = surrogate.hopeful(C[head], CF[head])
    hopeful = None
    if H is not None:
        hopeful = CF.copy()
        hopeful[head] = H
    return _greedy_gain(CF, order, base, k, eligible=cv <= 0, hopeful=hopeful)


def _log_tau(ctx: Any, loop: int, guesses: dict[str, np.ndarray], records: list) -> None:
    """Each predicted metric's Kendall tau on the batch it chose (before it was measured)."""
    if not guesses:
        return
    entry: dict[str, Any] = {"loop": loop, "n_measured": ctx.measurer.n_measured}
    for m, guess in guesses.items():
        truth = objectives([r.values for r in records], [m])[:, 0]
        ok = np.isfinite(truth)
        entry[m] = kendall_tau(guess[: len(records)][ok], truth[ok])
    ctx.tau_history.append(entry)
    log.info(
        "loop %d: Kendall tau of the predictions for this batch: %s",
        loop,
        {m: round(entry[m], 3) for m in guesses},
    )


def batch_sizes(num_evals: int, population: int, linas_batch: int | None) -> tuple[int, int]:
    """Sizes of LINAS's first (random) batch and of every later one.

    DyNAS-T measures a population (50) per loop, so a budget of 100 is half spent at random and
    refits its predictors once. Smaller batches refit after every few validations: on the OFA
    surrogate benchmark, batches of 10 after a first of 20 reach a hypervolume of 921 at 100
    validations and 994 at 250, against 867 and 942 with batches of 50 (median of 5 seeds;
    batches of 5 gained nothing more at 100 and doubled the search's own time). ``linas_batch``
    None is 10, or a fiftieth of the budget beyond 500 (at most 50 loops), never above the
    population; the first batch is twice that.
    """
    batch = max(10, num_evals // 50) if linas_batch is None else linas_batch
    batch = min(batch, population, num_evals)
    return min(2 * batch, population, num_evals), batch


def run_linas(ctx: Any) -> None:
    s, measurer = ctx.settings, ctx.measurer
    first_size, batch_size = batch_sizes(s.num_evals, s.population, s.linas_batch)
    targets = _Targets.of(ctx)
    first_seeds, inner_seeds = ctx.seeds.spawn(2)
    starter = make_algorithm("random", pop_size=s.population, seed=next_seed(first_seeds)).setup(ctx.problem)
    if ctx.warm_X.shape[0]:
        starter.archive.add(ctx.warm_X)
    n_first = min(ctx.budget_left, max(0, first_size - ctx.warm_X.shape[0]))
    spread = sorted(targets.exact & set(targets.names))
    batch = _first_batch(starter, measurer, spread, n_first) if n_first else np.zeros((0, ctx.space.n_var))
    guesses: dict[str, np.ndarray] = {}
    loop = 0
    while ctx.budget_left > 0:
        if batch.shape[0]:
            _log_tau(ctx, loop, guesses, measurer.measure(batch[: ctx.budget_left]))
        if ctx.budget_left == 0:
            break
        loop += 1
        known = measurer.records + ctx.warm_records
        known_X = np.concatenate([measurer.X, ctx.warm_X])
        surrogate = _fit_surrogate(ctx, targets, known_X, known, inner_seeds)
        if surrogate is None:  # too little data to predict from: measure random candidates
            starter.archive.add(measurer.X)
            batch, guesses = starter.ask()[: ctx.budget_left], {}
            if batch.shape[0] == 0:
                break
            continue
        known_pred = surrogate(known_X)[:2]  # predicted F, G: the inner search's start, the scored front
        found = _inner_search(ctx, surrogate, known_X, known_pred, next_seed(inner_seeds))
        if found is None:
            break  # nothing unmeasured is left in the space
        C, CF, CG, values, final = found
        base = _scored_front(known_pred[0], *ctx.evaluations(known))
        pick = _choose_batch(C, CF, CG, final, base, min(batch_size, ctx.budget_left), surrogate)
        batch = C[pick]
        guesses = {m: values[m][pick] for m in targets.predicted}
