"""A cheap synthetic supernet for the search and CLI tests: a toy evaluator, and a factory that
``dynast-lite search --supernet toy_supernet:factory`` loads (the tests folder is on sys.path)."""

from __future__ import annotations

import os
import signal
import time

import numpy as np

import dynast_lite as dl
from dynast_lite.distributed import detect_env
from dynast_lite.evaluation import config_key

SPACE = {
    "ks": {"count": 8, "vars": [3, 5, 7]},
    "e": {"count": 8, "vars": [3, 4, 6]},
    "d": {"count": 2, "vars": [2, 3, 4]},
}


class Crash(BaseException):
    """The process dies mid-run (as on a power cut): nothing catches it."""


class ToyEvaluator:
    """Accuracy is a fixed non-linear function of the one-hot features; MACs and params are
    exact and cheap. Records every config whose accuracy it measured."""

    metrics = ("accuracy_top1", "macs", "params", "latency")
    exact_metrics = ("macs", "params")

    def __init__(self, space, fail_after=None):
        self.space = space
        self.w = np.random.default_rng(0).normal(size=space.n_features)
        self.real: list[str] = []
        self.cheap_rows = 0
        self.fail_after = fail_after

    def measure(self, configs, metrics):
        X = self.space.encode(configs)
        phi = self.space.features(X)
        score = phi @ self.w
        acc = 70 + 2 * np.tanh(score / 3) - 0.05 * score**2
        macs = 1e6 * (50 + 3 * X.sum(axis=1))
        if "accuracy_top1" in metrics:
            for c in configs:
                if self.fail_after is not None and len(self.real) >= self.fail_after:
                    raise Crash("power cut")
                self.real.append(config_key(c))
        else:
            self.cheap_rows += len(configs)
        full = [
            {"accuracy_top1": a, "macs": m, "params": m / 100, "latency": m / 1e7}
            for a, m in zip(acc, macs, strict=True)
        ]
        return [{k: row[k] for k in metrics} for row in full]


#: options the last factory call received, and a hook the CLI tests use to interrupt a run
LAST_OPTIONS: dict = {}
INTERRUPT_AFTER: list[int] = []


class InterruptingEvaluator(ToyEvaluator):
    """Presses Ctrl-C (SIGINT to its own process) while it measures the accuracy of the
    (k+1)-th sub-network, then finishes that measurement."""

    def __init__(self, space, after: int):
        super().__init__(space)
        self.after = after

    def measure(self, configs, metrics):
        if "accuracy_top1" in metrics and configs and len(self.real) == self.after:
            os.kill(os.getpid(), signal.SIGINT)
        return super().measure(configs, metrics)


class KillingEvaluator(ToyEvaluator):
    """Dies by SIGKILL at a chosen point, as a machine that loses power: ``measure:N`` when asked
    for the (N+1)-th accuracy, ``cheap:N`` at the (N+1)-th cheap call (inside LINAS's inner
    search); ``hang:N`` hangs instead at the (N+1)-th accuracy."""

    def __init__(self, space, point: str):
        super().__init__(space)
        self.where, _, n = point.partition(":")
        self.n = int(n)
        self.cheap_calls = 0

    def measure(self, configs, metrics):
        if configs:
            if "accuracy_top1" in metrics and self.where in ("measure", "hang") and len(self.real) == self.n:
                if self.where == "hang":
                    time.sleep(3600)
                os.kill(os.getpid(), signal.SIGKILL)
            if "accuracy_top1" not in metrics:
                if self.where == "cheap" and self.cheap_calls == self.n:
                    os.kill(os.getpid(), signal.SIGKILL)
                self.cheap_calls += 1
        return super().measure(configs, metrics)


def factory(**options):
    """The toy evaluator, with ``space`` as the CLI expects; records the options it got.
    ``$TOY_KILL_AT`` makes it die at that point (see :class:`KillingEvaluator`), on every rank
    or on rank ``$TOY_KILL_RANK`` of a distributed group."""
    LAST_OPTIONS.clear()
    LAST_OPTIONS.update(options)
    space = dl.SearchSpace(SPACE)
    env = detect_env()
    here = str(env.rank) if env is not None else ""
    if os.environ.get("TOY_KILL_AT") and os.environ.get("TOY_KILL_RANK", here) == here:
        ev = KillingEvaluator(space, os.environ["TOY_KILL_AT"])
    elif INTERRUPT_AFTER:
        ev = InterruptingEvaluator(space, INTERRUPT_AFTER[0])
    else:
        ev = ToyEvaluator(space)
    ev.space = space
    return ev


def strict_factory(device: str = "cpu", seed: int = 0):
    """A factory that takes only a device and a seed."""
    return factory(device=device, seed=seed)
