"""The ``dynast-lite`` command line."""

from __future__ import annotations

import json
import time

import click

from . import __version__, problems

_PROBLEMS = tuple(problems.__all__)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dynast-lite")
def main() -> None:
    """dynast-lite: find the sub-networks of a super-network that are best for your hardware."""


@main.command("optimize")
@click.option(
    "--problem",
    "problem_name",
    type=click.Choice(_PROBLEMS),
    default="zdt1",
    show_default=True,
    help="Built-in test problem.",
)
@click.option(
    "--algorithm",
    "--search_algo",
    "--search-algo",
    "algorithm",
    default="nsga2",
    show_default=True,
    help="Algorithm by DyNAS-T name (ga, nsga2, random).",
)
@click.option(
    "--n-evals",
    "--n_evals",
    "--num_evals",
    "--num-evals",
    "n_evals",
    type=int,
    default=20000,
    show_default=True,
    help="Evaluation budget.",
)
@click.option("--population", "--pop-size", "pop_size", type=int, default=100, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write the final front as JSON (X, F) to this file.",
)
def optimize(
    problem_name: str, algorithm: str, n_evals: int, pop_size: int, seed: int, output: str | None
) -> None:
    """Run a search algorithm on a built-in test problem and report its front's quality."""
    import numpy as np

    from . import indicators, make_algorithm, minimize

    problem = getattr(problems, problem_name)()
    try:
        algo = make_algorithm(algorithm, pop_size=pop_size, seed=seed)
        start = time.perf_counter()
        res = minimize(problem, algo, n_evals=n_evals)
    except ValueError as err:
        raise click.UsageError(str(err)) from err
    seconds = time.perf_counter() - start
    front = problem.pareto_front(1000)
    ref = 1.1 * front.max(axis=0)
    click.echo(f"problem      {problem_name} (n_var={problem.n_var}, n_obj={problem.n_obj})")
    click.echo(f"algorithm    {algorithm} (pop {pop_size}, seed {seed})")
    click.echo(f"evaluations  {res.n_evals}")
    click.echo(f"wall time    {seconds:.3f} s")
    click.echo(f"front size   {res.F.shape[0]}" + ("" if res.any_feasible else " (none feasible)"))
    feasible = res.F[res.feasible]
    click.echo(
        f"hypervolume  {indicators.hypervolume(feasible, ref):.6f} (ref {np.round(ref, 4).tolist()}, "
        f"true front {indicators.hypervolume(front, ref):.6f})"
    )
    click.echo(f"IGD          {indicators.igd(feasible, front):.6f}")
    if output:
        with open(output, "w") as fh:
            json.dump({"X": res.X.tolist(), "F": res.F.tolist()}, fh)
        click.echo(f"front written to {output}")


def _register_commands() -> None:
    from .cli_measure import measure, supernets
    from .cli_report import report
    from .cli_search import search

    main.add_command(search)
    main.add_command(report)
    main.add_command(measure)
    main.add_command(supernets)


_register_commands()


if __name__ == "__main__":  # pragma: no cover
    main()
