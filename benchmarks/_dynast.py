"""DyNAS-T 1.6's search pieces, written again for the comparisons (no DyNAS-T code is imported):
its pymoo NSGA-II settings and its predictor."""

from __future__ import annotations

import numpy as np
from pymoo.algorithms.moo.nsga2 import NSGA2
from pymoo.operators.crossover.sbx import SBX
from pymoo.operators.mutation.pm import PM
from pymoo.operators.repair.rounding import RoundingRepair
from pymoo.operators.sampling.rnd import IntegerRandomSampling
from sklearn import linear_model, svm
from sklearn.model_selection import GridSearchCV


def dynast_nsga2(pop_size: int = 50) -> NSGA2:
    """pymoo NSGA-II as DyNAS-T 1.6 configures it: integer random sampling, SBX (prob 0.9,
    eta 15) and PM (prob 0.02, eta 20) on floats with rounding repair, duplicates eliminated."""
    return NSGA2(
        pop_size=pop_size,
        sampling=IntegerRandomSampling(),
        crossover=SBX(prob=0.9, eta=15.0, vtype=float, repair=RoundingRepair()),
        mutation=PM(prob=0.02, eta=20.0, vtype=float, repair=RoundingRepair()),
        eliminate_duplicates=True,
    )


class DynastPredictor:
    """DyNAS-T 1.6's ``Predictor``: the same steps, written again for this comparison."""

    def __init__(self, coarse: bool = False):
        step = 10 if coarse else 1
        alphas = np.arange(0.1, 10.1, 0.1)[::step]
        costs = np.arange(1.0, 101.0, 1.0)[::step]
        self.searchers = [
            GridSearchCV(
                linear_model.Ridge(max_iter=1_000_000),
                {"alpha": alphas},
                n_jobs=-1,
                scoring="neg_mean_absolute_percentage_error",
            ),
            GridSearchCV(
                svm.SVR(kernel="rbf", gamma="auto", epsilon=0.0, max_iter=1_000_000),
                {"C": costs},
                n_jobs=-1,
                scoring="neg_mean_absolute_percentage_error",
            ),
        ]

    def fit(self, X, y):
        self.cols = np.nonzero(np.var(X, axis=0))[0]
        top = np.abs(y).max()
        self.scale = 10 ** (np.floor(np.log10(top)) - 1.0) if top > 0 else 1.0
        scores = [s.fit(X[:, self.cols], y / self.scale).best_score_ for s in self.searchers]
        self.best = self.searchers[int(np.argmax(scores))].best_estimator_
        return self

    def predict(self, X):
        return self.best.predict(X[:, self.cols]) * self.scale
