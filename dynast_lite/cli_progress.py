"""The progress line of ``dynast-lite search``: validations done, elapsed time and ETA, the size
of the measured Pareto set and its hypervolume.

On a terminal the line is redrawn in place; otherwise (a log file, CI) a line is written at
every tenth of the budget, so logs stay short.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, TextIO

import numpy as np

from .constraints import constraint_matrix
from .metrics import objectives

if TYPE_CHECKING:
    from .nas import SearchProgress

__all__ = ["ProgressLine"]


def _clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class ProgressLine:
    """A callback for :func:`dynast_lite.search` that draws the progress line.

    Args:
        stream: where to draw (standard error).
        width: characters of the bar.
        interval: least seconds between two redraws on a terminal.
    """

    def __init__(self, stream: TextIO, width: int = 24, interval: float = 0.25):
        self.stream = stream
        self.width = width
        self.interval = interval
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.start = time.perf_counter()
        self.fresh = 0
        self.fresh_start: float | None = None
        self.last_draw = 0.0
        self.last_tenth = -1
        self.drawn = False

    def front_and_hypervolume(self, event: SearchProgress) -> tuple[int, float]:
        """Size of the measured feasible Pareto set and its hypervolume, normalised to the box
        from the best to 10% beyond the worst value measured so far (a trend, not a score)."""
        from .report import Bounds, normalized_hypervolume

        rows = [r.values for r in event.records]
        F = objectives(rows, event.settings.optimization_metrics)
        ok = np.isfinite(F).all(axis=1)
        constraints = event.settings.parsed_constraints
        if constraints:
            ok &= (constraint_matrix(rows, constraints) <= 0).all(axis=1)
        F = F[ok]
        if F.shape[0] == 0:
            return 0, 0.0
        from .indicators import pareto_front

        front = F[pareto_front(F)]
        ideal, worst = F.min(axis=0), F.max(axis=0)
        span = np.where(worst > ideal, worst - ideal, 1.0)
        return len(front), normalized_hypervolume(front, Bounds(ideal, worst + 0.1 * span))

    def __call__(self, event: SearchProgress) -> None:
        now = time.perf_counter()
        if not event.replayed:
            if self.fresh_start is None:
                # the first fresh measurement's time includes start-up (e.g. loading weights)
                self.fresh_start = now
            else:
                self.fresh += 1
        tenth = (10 * event.n_done) // max(1, event.num_evals)
        done = event.n_done >= event.num_evals
        if self.tty and not done and now - self.last_draw < self.interval:
            return
        if not self.tty and not done and tenth == self.last_tenth:
            return
        self.last_draw, self.last_tenth = now, tenth
        self._draw(event, now, done)

    def _draw(self, event: SearchProgress, now: float, done: bool) -> None:
        size, hv = self.front_and_hypervolume(event)
        filled = int(self.width * event.n_done / max(1, event.num_evals))
        bar = "#" * filled + "." * (self.width - filled)
        left = event.num_evals - event.n_done
        if done:
            eta = "done"
        elif self.fresh and self.fresh_start is not None:
            eta = "ETA " + _clock(left * (now - self.fresh_start) / self.fresh)
        else:
            eta = "ETA -"
        line = (
            f"validations {event.n_done:>{len(str(event.num_evals))}}/{event.num_evals} [{bar}] "
            f"{_clock(now - self.start)} {eta} | Pareto set {size} | HV {hv:.4f}"
        )
        if self.tty:
            self.stream.write("\r" + line + ("\n" if done else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
        self.drawn = not done

    def close(self) -> None:
        """End a line left open on a terminal (an interrupted run)."""
        if self.tty and self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False


class GracefulStop:
    """Ctrl-C during a search: the first one asks the run to stop once the sub-network being
    measured is written; a second one, or SIGTERM (a launcher or scheduler ending the job), stops
    at once. Used as a context manager around the run
    (in the main thread); :meth:`check` raises KeyboardInterrupt when a stop was asked for."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.requested = False
        self._previous = None

    def _handler(self, signum, frame) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        self.stream.write(
            "\nstopping once the sub-network being measured is written (Ctrl-C again to stop now)\n"
        )
        self.stream.flush()

    def check(self) -> None:
        if self.requested:
            raise KeyboardInterrupt

    def __enter__(self) -> GracefulStop:
        import signal
        import threading

        if threading.current_thread() is threading.main_thread():
            self._previous = (
                signal.signal(signal.SIGINT, self._handler),
                signal.signal(signal.SIGTERM, self._terminate),
            )
        return self

    @staticmethod
    def _terminate(signum, frame) -> None:
        # a launcher or scheduler ending the job (another rank failed, time is up): stop now
        raise KeyboardInterrupt

    def __exit__(self, *exc) -> None:
        import signal

        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous[0])
            signal.signal(signal.SIGTERM, self._previous[1])
            self._previous = None
