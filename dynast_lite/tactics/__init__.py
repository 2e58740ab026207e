"""Search tactics: how a run spends its real measurements."""

from collections.abc import Callable

from .evolutionary import run_evolutionary, run_random
from .linas import run_linas

#: tactic name -> function running it on a RunContext
TACTICS: dict[str, Callable] = {
    "linas": run_linas,
    "evolutionary": run_evolutionary,
    "random": run_random,
}

__all__ = ["TACTICS", "run_evolutionary", "run_linas", "run_random"]
