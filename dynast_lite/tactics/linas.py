"""LINAS (Cummings et al. 2022): alternate real measurements with an evolutionary search on
cheap predictions.

Each loop measures a batch, refits one predictor per optimization metric on everything
measured so far (metrics the evaluator computes exactly and cheaply are used as they are), runs
the inner search on the predictions, and takes the next batch from its best candidates, never
one already measured. Differences from DyNAS-T 1.6: the last batch the inner search proposes is
measured too (DyNAS-T returns it unmeasured), predictions are batched, the inner search starts
from what has been measured, every loop has its own seeded inner seed, and each predictor's
Kendall tau on the batch it chose is logged before that batch is measured.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from .._kernels.crowding import crowding_distance_by_front
from .._kernels.ranking import constrained_rank
from ..algorithms.registry import make_algorithm
from ..metrics import get_metric, objectives
from ..predictors import PREDICTORS, AutoPredictor
from ..predictors.auto import kendall_tau
from ..problem import Problem

log = logging.getLogger("dynast_lite.linas")


def _seed(ss: np.random.SeedSequence) -> int:
    return int(ss.spawn(1)[0].generate_state(1)[0])


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


def run_linas(ctx: Any) -> None:
    s = ctx.settings
    names = list(s.optimization_metrics)
    exact = set(getattr(ctx.evaluator, "exact_metrics", ()) or ()) & set(names)
    predicted = [m for m in names if m not in exact]
    space, measurer = ctx.space, ctx.measurer
    first_seeds, inner_seeds = ctx.seeds.spawn(2)
    starter = make_algorithm("random", pop_size=s.population, seed=_seed(first_seeds)).setup(ctx.problem)
    if ctx.warm_X.shape[0]:
        starter.archive.add(ctx.warm_X)
    n_first = min(ctx.budget_left, max(0, s.population - ctx.warm_X.shape[0]))
    batch = starter.ask()[:n_first] if n_first else np.zeros((0, space.n_var))
    guesses: dict[str, np.ndarray] = {}
    loop = 0
    while ctx.budget_left > 0:
        if batch.shape[0]:
            batch = batch[: ctx.budget_left]
            records = measurer.measure(batch)
            if guesses:
                truth = objectives([r.values for r in records], predicted)
                entry = {"loop": loop, "n_measured": measurer.n_measured}
                for j, m in enumerate(predicted):
                    ok = np.isfinite(truth[:, j])
                    entry[m] = kendall_tau(guesses[m][: len(records)][ok], truth[ok, j])
                ctx.tau_history.append(entry)
                log.info(
                    "loop %d: Kendall tau of the predictions for this batch: %s",
                    loop,
                    {m: round(entry[m], 3) for m in predicted},
                )
        if ctx.budget_left == 0:
            break
        loop += 1
        known_X = np.concatenate([measurer.X, ctx.warm_X])
        known_F = objectives([r.values for r in measurer.records + ctx.warm_records], names)
        models = {}
        for j, m in enumerate(predicted):
            ok = np.isfinite(known_F[:, j])
            if ok.sum() < 2:
                models = None
                break
            models[m] = _predictor(s.predictor, _seed(inner_seeds)).fit(
                space.features(known_X[ok]), known_F[ok, j]
            )
        if models is None:  # too little data to predict from: measure random candidates
            starter.archive.add(measurer.X)
            batch = starter.ask()[: ctx.budget_left]
            guesses = {}
            if batch.shape[0] == 0:
                break
            continue

        def evaluate(X: np.ndarray, models=models) -> np.ndarray:
            F = np.empty((X.shape[0], len(names)))
            feats = space.features(X) if predicted else None
            for j, m in enumerate(names):
                if m in exact:
                    F[:, j] = get_metric(m).to_objective(measurer.cheap(X, m))
                else:
                    F[:, j] = models[m].predict(feats)
            return F

        inner = Problem(space.n_var, len(names), space.xl, space.xu, integer=True, nan_is_failure=True)
        algo = make_algorithm(s.search_algo, pop_size=s.population, seed=_seed(inner_seeds)).setup(inner)
        # The inner search knows every measured candidate (so it never proposes one again) and
        # starts from the best of them, as predicted.
        algo.tell(known_X, evaluate(known_X))
        seen_X, seen_F = [], []
        spent = 0
        while spent < s.inner_evals:
            X = algo.ask()[: s.inner_evals - spent]
            if X.shape[0] == 0:
                break
            F = evaluate(X)
            algo.tell(X, F)
            seen_X.append(X)
            seen_F.append(F)
            spent += X.shape[0]
        if not seen_X:
            break  # nothing unmeasured is left in the space
        C = np.concatenate(seen_X)
        CF = np.concatenate(seen_F)
        cv = np.where(np.isfinite(CF).all(axis=1), 0.0, np.inf)
        # the final population first (in its own order), then the rest of what was evaluated
        final = algo.result().pop_X
        final_keys = {r.tobytes() for r in final}
        in_final = np.array([r.tobytes() in final_keys for r in C])
        order = _best_first(np.nan_to_num(CF, nan=np.inf), cv)
        order = np.concatenate([order[in_final[order]], order[~in_final[order]]])
        pick = order[: min(s.population, ctx.budget_left)]
        batch = C[pick]
        guesses = {m: CF[pick, names.index(m)] for m in predicted}
