"""``dynast-lite search``: a drop-in for DyNAS-T 1.6's ``dynast`` command, a thin layer over
:func:`dynast_lite.search`.

Every ``dynast`` flag is accepted with its meaning and default, in ``--snake_case`` and
``--kebab-case``; list flags take space-separated values (``--measurements accuracy_top1 macs``).
With no arguments it runs the embedded default: LINAS + NSGA-II on ``elastic_cnn_digits``.
"""

from __future__ import annotations

import logging
import os
import shlex
import sys
import time
from pathlib import Path
from typing import Any

import click

from .cli_options import ListOptionsCommand, factory_options, spellings

__all__ = ["search"]

log = logging.getLogger("dynast_lite.cli")

DEFAULT_SUPERNET = "elastic_cnn_digits"
#: DyNAS-T's search algorithms (plus random search); the registry is checked against this list
ALGORITHM_NAMES = ("ga", "cmaes", "nsga2", "age", "unsga3", "ctaea", "moead", "random")
TACTIC_NAMES = ("linas", "evolutionary", "random")
PREDICTOR_NAMES = ("auto", "ridge", "kernel_ridge", "mlp")
#: DyNAS-T's budget and population, unless the supernet suggests its own
DYNAST_DEFAULTS = {"num_evals": 250, "population": 50}


def _option(name: str, dest: str | None = None, **kwargs: Any):
    """An option in both spellings, stored under ``dest`` (default: ``name``)."""
    return click.option(*spellings(name), dest or name, **kwargs)


def configure_logging(verbose: bool) -> None:
    """Quiet by default (warnings, and the evaluators' rare notices such as a one-off training);
    ``-v``: debug logs of everything."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(levelname)s %(name)s: %(message)s" if verbose else "%(message)s")
    )
    handler.set_name("dynast-lite-cli")
    for name, level in (("dynast_lite", logging.WARNING), ("dynast_evaluators", logging.INFO)):
        logger = logging.getLogger(name)
        logger.handlers = [h for h in logger.handlers if h.get_name() != "dynast-lite-cli"]
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG if verbose else level)
        logger.propagate = False


def default_results_path(supernet: str, tactic: str, algo: str, resume: bool) -> Path:
    """``<supernet>_<tactic>_<algo>.csv`` in the working directory, or, where that holds an
    earlier run, the next free ``..._2.csv``, ``..._3.csv``; with ``resume``, the latest of them."""
    name = supernet.partition(":")[0].rpartition(".")[2] if ":" in supernet else supernet
    stem = f"{name}_{tactic}_{algo}"
    taken = [Path(f"{stem}.csv")]
    k = 2
    while taken[-1].exists():
        taken.append(Path(f"{stem}_{k}.csv"))
        k += 1
    if resume and len(taken) > 1:
        return taken[-2]
    return taken[-1]


def _command_line(ctx: click.Context, results_path: Path, **changes: Any) -> str:
    """The ``dynast-lite search`` command that repeats this one on ``results_path``, with
    ``changes`` (e.g. ``resume=True``); options left at their defaults are left out."""
    words = ["dynast-lite", "search"]
    values = {**ctx.params, "results_path": str(results_path), **changes}
    for param in ctx.command.params:
        if not isinstance(param, click.Option) or param.name in ("local_rank",):
            continue
        value = values.get(param.name)
        default = param.get_default(ctx) if param.name not in changes else object()
        if param.name != "results_path" and (value is None or value == default or value == ()):
            continue
        flag = next(o for o in param.opts if o.startswith("--"))
        if param.is_flag:
            if value:
                words.append(flag)
        elif param.multiple:
            words += [flag, *map(str, value)]
        else:
            words += [flag, str(value)]
    return shlex.join(words)


@click.command("search", cls=ListOptionsCommand)
@_option(
    "supernet",
    default=DEFAULT_SUPERNET,
    show_default=True,
    help="Registered supernet, or package.module:factory.",
)
@_option("seed", type=int, default=42, show_default=True, help="Seed of everything random in the run.")
@_option(
    "optimization_metrics",
    multiple=True,
    default=("accuracy_top1", "macs"),
    show_default=True,
    help="Objectives, space-separated (maximised ones such as accuracy are maximised).",
)
@_option(
    "measurements",
    multiple=True,
    default=("accuracy_top1", "macs", "params", "latency"),
    show_default=True,
    help="Metrics measured and written for every sub-network.",
)
@click.option(
    "-d", "--device", "device", default="cpu", show_default=True, help="torch device: cpu, cuda, cuda:1."
)
@_option(
    "num_evals",
    type=click.IntRange(min=1),
    default=None,
    help="Validations (real measurements). [default: 250; 100 for elastic_cnn_digits]",
)
@_option(
    "batch_size",
    type=click.IntRange(min=1),
    default=128,
    show_default=True,
    help="Batch size of the latency measurement.",
)
@_option(
    "eval_batch_size",
    type=click.IntRange(min=1),
    default=None,
    help="Batch size of accuracy validation. [default: batch_size]",
)
@_option(
    "test_fraction",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    default=1.0,
    show_default=True,
    help="Share of the validation set used.",
)
@_option(
    "dataloader_workers",
    type=click.IntRange(min=0),
    default=4,
    show_default=True,
    help="Data-loader worker processes.",
)
@_option(
    "population",
    type=click.IntRange(min=1),
    default=None,
    help="Population of each generation (LINAS: of its inner search, and its first batch at most). "
    "[default: 50; 20 for elastic_cnn_digits]",
)
@_option(
    "results_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Results CSV (DyNAS-T's format). [default: a new <supernet>_<tactic>_<algo>.csv here]",
)
@_option(
    "dataset_path",
    type=click.Path(),
    default=None,
    help="Dataset folder (ImageNet-style train/ and val/ for the OFA supernets).",
)
@_option(
    "supernet_ckpt_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Supernet weights file (else downloaded or trained).",
)
@_option("search_tactic", type=click.Choice(TACTIC_NAMES), default="linas", show_default=True)
@_option("search_algo", type=click.Choice(ALGORITHM_NAMES), default="nsga2", show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="Debug logs.")
@_option("distributed", is_flag=True, help="Spread validations over the ranks of a torch.distributed group.")
@_option(
    "dist_timeout",
    type=click.IntRange(min=1),
    default=3600,
    show_default=True,
    help="Seconds a rank may wait for the others.",
)
@_option(
    "backend",
    type=click.Choice(["gloo", "nccl"]),
    default=None,
    help="torch.distributed backend. [default: gloo on CPU, nccl on CUDA]",
)
@_option("local_rank", type=int, default=None, hidden=True, help="Set by torch's old launcher; ignored.")
@_option(
    "mp_calibration_samples",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Calibration samples of quantized supernets (none is registered yet).",
)
@_option(
    "resume",
    is_flag=True,
    help="Continue the run in --results_path (a larger --num_evals extends a finished run).",
)
@_option(
    "warm_start",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Earlier results files (DyNAS-T's or ours): their sub-networks seed the search, never re-measured.",
)
@_option(
    "constraint",
    dest="constraints",
    multiple=True,
    help="A bound such as 'latency<=20' or 'accuracy_top1>=75'; repeatable.",
)
@_option(
    "max_failures",
    type=click.IntRange(min=0),
    default=None,
    help="Failed measurements after which the run stops. [default: a fifth of num_evals, at least 5]",
)
@_option(
    "inner_evals",
    type=click.IntRange(min=1),
    default=None,
    help="LINAS predictor evaluations per loop. [default: the supernet's, 20,000 for OFA]",
)
@_option(
    "linas_batch",
    type=click.IntRange(min=1),
    default=None,
    help="Sub-networks LINAS validates per loop (its first batch: twice that). "
    "[default: 10, a fiftieth of num_evals above 500; at most the population]",
)
@_option(
    "predictor",
    type=click.Choice(PREDICTOR_NAMES),
    default="auto",
    show_default=True,
    help="LINAS's predictor.",
)
@_option(
    "random_weights",
    is_flag=True,
    help="Random weights: no download or training (for MACs, params, latency; accuracy is meaningless).",
)
@_option(
    "cache_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Cache of weights and tables. [default: ~/.cache/dynast-lite]",
)
@_option("no_plots", is_flag=True, help="Do not write the PNG plots.")
@click.pass_context
def search(ctx: click.Context, **opts: Any) -> None:
    """Search a supernet for the sub-networks best for your objectives (DyNAS-T's `dynast`).

    With no arguments: LINAS + NSGA-II on the embedded elastic_cnn_digits supernet, accuracy
    against MACs, 100 validations; the supernet is trained once (under a minute) and cached.
    """
    configure_logging(opts["verbose"])
    rank = _join_group(opts) if opts["distributed"] else 0
    try:
        evaluator, path = _prepare(ctx, opts, rank)
    except ValueError as err:
        log.debug("the settings were refused", exc_info=True)  # the traceback, with -v
        raise click.UsageError(str(err)) from err
    _run(ctx, opts, evaluator, path, rank)


def _join_group(opts: dict[str, Any]) -> int:
    """Join the torch.distributed group of the launcher; each rank takes its own CUDA device."""
    from .distributed import rank_device, start

    try:
        group = start(opts["backend"], opts["dist_timeout"], opts["device"])
    except ValueError as err:
        raise click.UsageError(str(err)) from err
    except (RuntimeError, OSError) as err:  # the ranks could not meet
        raise click.ClickException(f"the distributed group could not start: {err}") from err
    opts["device"] = rank_device(opts["device"], group.env)
    return group.rank


def _prepare(ctx: click.Context, opts: dict[str, Any], rank: int = 0):
    """Validate the settings and build the evaluator before anything is measured (on ranks
    other than 0, which write nothing, the results file is not looked at)."""
    from .nas import SearchSettings
    from .run_state import has_rows
    from .supernets import resolve_supernet

    factory = resolve_supernet(opts["supernet"])
    suggested = {**DYNAST_DEFAULTS, **dict(getattr(factory, "search_defaults", {}) or {})}
    for key in ("num_evals", "population"):
        if opts[key] is None:
            opts[key] = suggested[key]
    SearchSettings(
        tuple(opts["optimization_metrics"]),
        tuple(opts["measurements"]),
        opts["search_tactic"],
        opts["search_algo"],
        opts["num_evals"],
        opts["population"],
        opts["seed"],
        opts["inner_evals"] or 1,
        opts["predictor"],
        constraints=tuple(opts["constraints"]),
        linas_batch=opts["linas_batch"],
    )
    given = opts["results_path"]
    path = (
        Path(given)
        if given
        else default_results_path(
            opts["supernet"], opts["search_tactic"], opts["search_algo"], opts["resume"]
        )
    )
    if rank == 0 and not opts["resume"] and has_rows(path):
        raise ValueError(
            f"{path} already exists and is never overwritten: pass --resume to continue that run, "
            "or --results_path to write another file"
        )
    options = {
        "device": opts["device"],
        "latency_batch_size": opts["batch_size"],
        "batch_size": opts["eval_batch_size"] or opts["batch_size"],
        "test_fraction": opts["test_fraction"],
        "num_workers": opts["dataloader_workers"],
        "dataset_path": opts["dataset_path"],
        "checkpoint": opts["supernet_ckpt_path"],
        "cache_dir": opts["cache_dir"],
        "seed": opts["seed"],
        "pretrained": False if opts["random_weights"] else None,
    }
    renamed = {
        "batch_size": "latency_batch_size",
        "eval_batch_size": "batch_size",
        "dataloader_workers": "num_workers",
        "supernet_ckpt_path": "checkpoint",
        "random_weights": "pretrained",
    }
    explicit = {
        renamed.get(name, name)
        for name in opts
        if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE
    }
    evaluator = factory(**factory_options(factory, options, explicit, opts["supernet"]))
    missing = [m for m in opts["measurements"] if m not in evaluator.metrics]
    if missing:
        raise ValueError(
            f"supernet {opts['supernet']} cannot measure {missing}; it measures {list(evaluator.metrics)}"
        )
    return evaluator, path


def _run(ctx: click.Context, opts: dict[str, Any], evaluator: Any, path: Path, rank: int = 0) -> None:
    from .cli_progress import GracefulStop, ProgressLine
    from .distributed import RankLost
    from .evaluation import SearchFailed

    space = getattr(evaluator, "space", None)
    if space is None:
        raise click.UsageError(f"supernet {opts['supernet']} gave an evaluator without a search space")
    if rank != 0:  # a worker: measures its share quietly; rank 0 reports
        try:
            _search(opts, evaluator, space, path, None)
        except RankLost as err:
            raise click.ClickException(f"rank {rank}: {err}") from err
        return
    click.echo(
        f"dynast-lite search: {opts['supernet']}, {opts['search_tactic']} + {opts['search_algo']}, "
        f"{', '.join(opts['optimization_metrics'])}, {opts['num_evals']} validations, "
        f"population {opts['population']}, seed {opts['seed']}"
    )
    click.echo(f"results: {path}" + (" (resuming)" if opts["resume"] else ""))
    progress = ProgressLine(sys.stderr)
    stop = GracefulStop(sys.stderr)

    def report(event: Any) -> None:
        progress(event)
        stop.check()

    start = time.perf_counter()
    try:
        with stop:
            res = _search(opts, evaluator, space, path, report)
    except KeyboardInterrupt:
        _stopped(ctx, progress, path, f"\ninterrupted: every sub-network measured so far is in {path}", 130)
    except (SearchFailed, RankLost) as err:
        _stopped(ctx, progress, path, f"\nError: {err}\nEverything measured is in {path}", 1)
    except ValueError as err:
        progress.close()
        log.debug("the run was refused", exc_info=True)  # the traceback, with -v
        raise click.UsageError(str(err)) from err
    progress.close()
    _summary(ctx, opts, res, path, time.perf_counter() - start)


def _search(opts: dict[str, Any], evaluator: Any, space: Any, path: Path, report: Any) -> Any:
    from .nas import search as run_search

    return run_search(
        evaluator,
        space,
        optimization_metrics=opts["optimization_metrics"],
        measurements=opts["measurements"],
        search_tactic=opts["search_tactic"],
        search_algo=opts["search_algo"],
        num_evals=opts["num_evals"],
        population=opts["population"],
        seed=opts["seed"],
        results_path=path,
        inner_evals=opts["inner_evals"],
        linas_batch=opts["linas_batch"],
        predictor=opts["predictor"],
        resume=opts["resume"],
        warm_start=list(opts["warm_start"]),
        constraints=list(opts["constraints"]),
        progress=report,
        max_failures=opts["max_failures"],
        distributed=opts["distributed"],
        dist_timeout=opts["dist_timeout"],
        backend=opts["backend"],
    )


def _stopped(ctx: click.Context, progress: Any, path: Path, message: str, code: int) -> None:
    """End a run that stopped early: what happened, and the command that resumes it."""
    progress.close()
    click.echo(message + "; resume with:", err=True)
    click.echo("  " + _command_line(ctx, path, resume=True), err=True)
    ctx.exit(code)


def _summary(ctx: click.Context, opts: dict[str, Any], res: Any, path: Path, seconds: float) -> None:
    from .report import bounds_of, load_run, normalized_hypervolume, pareto_table

    click.echo(
        f"\n{len(res.records)} sub-networks measured in {seconds:.0f} s; "
        f"results in {path} (settings in {path}.meta.json)"
    )
    run = load_run(path, res.settings.optimization_metrics, res.settings.constraints)
    if not run.feasible.any():
        click.echo("no measured sub-network meets every constraint and objective: no Pareto set to show")
    else:
        bounds = bounds_of([run])
        names = " and ".join(run.names)
        click.echo(f"Pareto set over {names}: {len(run.front())} sub-networks\n")
        click.echo(pareto_table(run, res.settings.measurements))
        hv = normalized_hypervolume(run.F[run.front()], bounds)
        click.echo(f"\nhypervolume {hv:.4f} (normalised; {bounds.describe(run.names)})")
        if not opts["no_plots"]:
            _plots(run, bounds, path)
    click.echo("\nto resume or extend this run (here: to twice the validations):")
    click.echo("  " + _command_line(ctx, path, resume=True, num_evals=2 * opts["num_evals"]))


def _plots(run: Any, bounds: Any, path: Path) -> None:
    try:
        from . import plots

        written = [
            plots.plot_objectives(run, path.with_name(path.stem + "_front.png")),
            plots.plot_hypervolume([run], bounds, path.with_name(path.stem + "_hypervolume.png")),
        ]
    except ValueError as err:  # matplotlib missing
        click.echo(f"plots skipped: {err}")
        return
    click.echo("plots: " + ", ".join(os.fspath(p) for p in written))
