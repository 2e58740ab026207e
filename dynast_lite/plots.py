"""PNG plots of results files (matplotlib, the ``plot`` extra; imported only when plotting).

* :func:`plot_objectives`: every measured sub-network in objective space, coloured by when it
  was validated, with the Pareto front drawn; pairwise panels for three or more objectives.
* :func:`plot_hypervolume`: normalised hypervolume against validations, one line per file.
* :func:`plot_overlay`: several files in one objective space (e.g. LINAS against evolutionary
  search), each with its front.

Axes show the metrics in their own units (accuracy in %, MACs in millions, ...).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .metrics import METRICS, get_metric
from .report import Bounds, Run, hypervolume_curve

__all__ = ["plot_hypervolume", "plot_objectives", "plot_overlay", "require_matplotlib"]

_SCALE = {"macs": (1e6, "M"), "params": (1e6, "M")}


def require_matplotlib():
    """``matplotlib.pyplot`` on the file-only Agg backend, or one clear error saying how to
    install it."""
    try:
        import matplotlib
    except ImportError:
        raise ValueError(
            "plots need matplotlib: pip install 'dynast-lite[plot]' (or pip install matplotlib)"
        ) from None
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _values(run: Run, j: int) -> np.ndarray:
    """Column ``j`` of the run's objectives in the metric's units, scaled for display."""
    name = run.names[j]
    scale = _SCALE.get(name, (1.0, ""))[0]
    return get_metric(name).from_objective(run.F[:, j]) / scale


def _label(name: str) -> str:
    scale, suffix = _SCALE.get(name, (1.0, ""))
    column = METRICS[name].column
    return f"{column} ({suffix})" if suffix else column


def _axes_order(names: Sequence[str], a: int = 0, b: int = 1) -> tuple[int, int]:
    """(x, y) objective indices for the pair ``a``, ``b``: a maximised metric (accuracy) goes up
    the y axis."""
    if get_metric(names[a]).maximize and not get_metric(names[b]).maximize:
        return b, a
    return a, b


def _front_line(ax, run: Run, x: int, y: int, **style) -> None:
    """The two-objective Pareto front of ``run`` as a staircase through its points."""
    idx = run.front()
    if idx.size == 0:
        return
    xs, ys = _values(run, x)[idx], _values(run, y)[idx]
    order = np.argsort(xs, kind="stable")
    ax.step(xs[order], ys[order], where="post", **style)


def _pair_panel(ax, run: Run, x: int, y: int, colour_map, on_front: np.ndarray):
    order = np.arange(1, len(run.records) + 1)
    ok = run.feasible
    scatter = ax.scatter(
        _values(run, x)[ok], _values(run, y)[ok], c=order[ok], cmap=colour_map, s=16, alpha=0.85, lw=0
    )
    bad = np.isfinite(run.F[:, [x, y]]).all(axis=1) & ~run.feasible
    if bad.any():
        ax.scatter(_values(run, x)[bad], _values(run, y)[bad], marker="x", c="grey", s=14, label="infeasible")
    ax.scatter(
        _values(run, x)[on_front],
        _values(run, y)[on_front],
        facecolors="none",
        edgecolors="red",
        s=46,
        lw=1.2,
        label="Pareto set",
    )
    ax.set_xlabel(_label(run.names[x]))
    ax.set_ylabel(_label(run.names[y]))
    ax.grid(alpha=0.3)
    return scatter


def plot_objectives(run: Run, path: str | os.PathLike) -> Path:
    """Measured sub-networks of ``run`` in objective space, coloured by validation order."""
    plt = require_matplotlib()
    m = len(run.names)
    if m < 2:
        raise ValueError(f"an objective-space plot needs two or more objectives, got {list(run.names)}")
    pairs = [_axes_order(run.names, a, b) for a, b in itertools.combinations(range(m), 2)]
    cols = min(3, len(pairs))
    rows = -(-len(pairs) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols + 0.8, 4.4 * rows), squeeze=False)
    front = run.front()
    scatter = None
    for ax, (x, y) in zip(axes.ravel(), pairs, strict=False):
        scatter = _pair_panel(ax, run, x, y, "viridis", front)
        if m == 2:
            _front_line(ax, run, x, y, color="red", lw=1.0, alpha=0.8)
    for ax in axes.ravel()[len(pairs) :]:
        ax.set_visible(False)
    axes.ravel()[0].legend(loc="best", fontsize=8)
    fig.colorbar(scatter, ax=axes.ravel().tolist(), label="validation #")
    n_front = len(front)
    fig.suptitle(f"{run.label}: {len(run.records)} sub-networks measured, {n_front} on the Pareto front")
    return _save(fig, plt, path)


def plot_hypervolume(runs: Sequence[Run], bounds: Bounds, path: str | os.PathLike) -> Path:
    """Normalised hypervolume after each validation, one line per run."""
    plt = require_matplotlib()
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    for run in runs:
        curve = hypervolume_curve(run, bounds)
        ax.plot(np.arange(1, len(curve) + 1), curve, label=f"{run.label} ({curve[-1]:.4f})")
    ax.set_xlabel("validations")
    ax.set_ylabel("hypervolume (normalised)")
    ax.set_title("hypervolume of " + " vs ".join(runs[0].names), fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    fig.text(0.01, -0.03, bounds.describe(runs[0].names), fontsize=6, color="grey")
    return _save(fig, plt, path)


def plot_overlay(runs: Sequence[Run], path: str | os.PathLike) -> Path:
    """Several runs' measured sub-networks and fronts in one objective space (first two
    objectives, or every pair for three or more)."""
    plt = require_matplotlib()
    names = runs[0].names
    m = len(names)
    pairs = [_axes_order(names, a, b) for a, b in itertools.combinations(range(m), 2)]
    fig, axes = plt.subplots(1, len(pairs), figsize=(5.6 * len(pairs), 4.6), squeeze=False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, (x, y) in zip(axes.ravel(), pairs, strict=True):
        for k, run in enumerate(runs):
            colour = colours[k % len(colours)]
            ok = run.feasible
            ax.scatter(_values(run, x)[ok], _values(run, y)[ok], s=10, alpha=0.35, color=colour, lw=0)
            idx = run.front()
            ax.scatter(_values(run, x)[idx], _values(run, y)[idx], s=28, color=colour, label=run.label)
            if m == 2:
                _front_line(ax, run, x, y, color=colour, lw=1.2)
        ax.set_xlabel(_label(names[x]))
        ax.set_ylabel(_label(names[y]))
        ax.grid(alpha=0.3)
    axes.ravel()[0].legend(loc="best", fontsize=8)
    fig.suptitle("measured sub-networks (faint) and Pareto fronts (bold)")
    return _save(fig, plt, path)


def _save(fig, plt, path: str | os.PathLike) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path
