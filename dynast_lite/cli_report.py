"""``dynast-lite report``: the Pareto set, hypervolume and PNG plots of results files
(DyNAS-T's or ours), several of them side by side."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .cli_options import ListOptionsCommand, spellings

__all__ = ["report"]


@click.command("report", cls=ListOptionsCommand)
@click.argument("results", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    *spellings("optimization_metrics"),
    "objectives",
    multiple=True,
    help="Objectives to show. [default: the run's own (from its settings file); else accuracy and MACs]",
)
@click.option(
    *spellings("constraint"),
    "constraints",
    multiple=True,
    help="Keep only sub-networks meeting e.g. 'latency<=20'. [default: the run's own constraints]",
)
@click.option(
    *spellings("output_dir"),
    "output_dir",
    type=click.Path(file_okay=False),
    default=".",
    show_default=True,
    help="Where the PNG plots go.",
)
@click.option(*spellings("no_plots"), "no_plots", is_flag=True, help="Tables only.")
def report(
    results: tuple[str, ...],
    objectives: tuple[str, ...],
    constraints: tuple[str, ...],
    output_dir: str,
    no_plots: bool,
) -> None:
    """Pareto table, hypervolume and plots of RESULTS (one or more results CSV files).

    Hypervolume is normalised over every file shown: 0 at the reference point (10% beyond the
    worst value of each objective), 1 for a front reaching the ideal point (the best value of
    each); both points are printed. Plots: the sub-networks of each file in objective space
    coloured by validation order with the front drawn (pairwise panels for three objectives),
    hypervolume against validations, and with several files both overlaid.
    """
    from .report import bounds_of, default_objectives, load_run, normalized_hypervolume, pareto_table

    try:
        names = tuple(objectives) or default_objectives(results)
        runs = [load_run(p, names, list(constraints) if constraints else None) for p in results]
        bounds = bounds_of(runs)
    except ValueError as err:
        raise click.UsageError(str(err)) from err
    for run in runs:
        hv = normalized_hypervolume(run.F[run.front()], bounds)
        shown = f", constraints {', '.join(map(str, run.constraints))}" if run.constraints else ""
        click.echo(
            f"{run.path}: {len(run.records)} sub-networks{shown}; Pareto set of {len(run.front())} over "
            f"{' and '.join(names)}; hypervolume {hv:.4f}"
        )
        click.echo(pareto_table(run) + "\n")
    click.echo(f"hypervolume normalised over these files: 0 at the reference point; {bounds.describe(names)}")
    if no_plots:
        return
    try:
        written = _plots(runs, bounds, Path(output_dir))
    except (ValueError, OSError) as err:
        raise click.UsageError(f"plots: {err}") from err
    click.echo("plots: " + ", ".join(os.fspath(p) for p in written))


def _plots(runs, bounds, folder: Path) -> list[Path]:
    from . import plots

    written = [plots.plot_objectives(run, folder / f"{run.label}_front.png") for run in runs]
    name = runs[0].label if len(runs) == 1 else "comparison"
    written.append(plots.plot_hypervolume(runs, bounds, folder / f"{name}_hypervolume.png"))
    if len(runs) > 1:
        written.append(plots.plot_overlay(runs, folder / "comparison_fronts.png"))
    return written
