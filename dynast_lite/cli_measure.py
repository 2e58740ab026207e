"""``dynast-lite measure`` and ``dynast-lite supernets``: measure configs on this machine, list
the registered supernets."""

from __future__ import annotations

from typing import Any

import click

from .cli_options import ListOptionsCommand
from .cli_search import DEFAULT_SUPERNET

__all__ = ["measure", "supernets"]


def _show(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:.4f}"


def _evaluator_options(**given: Any) -> dict[str, Any]:
    """Only what the user set: a custom factory need not know our OFA options."""
    return {k: v for k, v in given.items() if v is not None}


@click.command("measure", cls=ListOptionsCommand)
@click.option("--supernet", required=True, help="Registered supernet name, or package.module:factory.")
@click.option(
    "--configs",
    "configs_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="Results CSV (DyNAS-T's or ours) or JSON lines of configs.",
)
@click.option(
    "--measurements",
    multiple=True,
    required=True,
    help="Metrics to measure, space-separated (e.g. macs params latency).",
)
@click.option(
    "--results_path", "--results-path", "results_path", required=True, type=click.Path(dir_okay=False)
)
@click.option("--checkpoint", default=None, type=click.Path(dir_okay=False), help="Local weights file.")
@click.option("--dataset_path", "--dataset-path", "dataset_path", default=None, type=click.Path())
@click.option("--device", default=None, help="torch device: cpu, cuda, cuda:1 ...")
@click.option("--batch_size", "--batch-size", "batch_size", type=int, default=None)
@click.option("--test_fraction", "--test-fraction", "test_fraction", type=float, default=None)
@click.option("--dataloader_workers", "--dataloader-workers", "num_workers", type=int, default=None)
@click.option("--latency_batch_size", "--latency-batch-size", "latency_batch_size", type=int, default=None)
@click.option("--latency_repeats", "--latency-repeats", "latency_repeats", type=int, default=None)
@click.option("--latency_warmup", "--latency-warmup", "latency_warmup", type=int, default=None)
@click.option("--cache_dir", "--cache-dir", "cache_dir", default=None, type=click.Path(file_okay=False))
@click.option(
    "--random-weights",
    "--random_weights",
    "random_weights",
    is_flag=True,
    help="Randomly initialised weights (no checkpoint, no download): fine for MACs, params, latency.",
)
def measure(
    supernet: str,
    configs_path: str,
    measurements: tuple[str, ...],
    results_path: str,
    random_weights: bool,
    **options: Any,
) -> None:
    """Measure the configs of a results file (or JSON lines) on this machine and write a results
    file, e.g. the latency of a Pareto set on the target hardware. Configs already in the output
    file are kept and not measured again."""
    from .evaluation import config_key
    from .metrics import get_metric
    from .results import Record, ResultsLog, read_configs, read_results
    from .supernets import load_supernet

    try:
        metrics = [get_metric(m).name for m in measurements]
        configs = read_configs(configs_path)
        kwargs = _evaluator_options(**options, pretrained=False if random_weights else None)
        evaluator = load_supernet(supernet, **kwargs)
        missing = [m for m in metrics if m not in evaluator.metrics]
        if missing:
            raise ValueError(f"{supernet} cannot measure {missing}; it measures {list(evaluator.metrics)}")
        log = ResultsLog(results_path, metrics)
        done = {config_key(r.config) for r in read_results(results_path)}
    except ValueError as err:
        raise click.UsageError(str(err)) from err
    todo = []
    for c in configs:
        key = config_key(c)
        if key not in done:
            done.add(key)
            todo.append(c)
    click.echo(
        f"{len(configs)} configs, {len(configs) - len(todo)} already in {results_path} or repeated, "
        f"measuring {len(todo)} for {', '.join(metrics)}"
    )
    for i, config in enumerate(todo, start=1):
        try:
            values = evaluator.measure([config], metrics)[0]
        except ValueError as err:
            raise click.ClickException(f"config {i} of {len(todo)}: {err}") from err
        log.append(Record(config, {m: float(values[m]) for m in metrics}))
        shown = "  ".join(f"{m}={_show(values[m])}" for m in metrics)
        click.echo(f"[{i}/{len(todo)}] {shown}")
    reports = getattr(evaluator, "latency_reports", [])
    if reports:
        r = reports[-1]
        click.echo(
            f"latency: median of {r.repeats} after {r.warmup} warm-up, batch {r.batch_size}, "
            f"{r.device}, {r.dtype}, {r.threads} threads"
        )
    click.echo(f"results written to {results_path}")


@click.command("supernets")
def supernets() -> None:
    """List the registered supernets, their search spaces and metrics."""
    from .metrics import METRICS
    from .supernets import registered_supernets, resolve_supernet

    registered = registered_supernets()
    if not registered:
        click.echo("no supernets registered (pip install ./evaluators for the Once-for-All supernets)")
        return
    for name in sorted(registered):
        factory = resolve_supernet(name)
        line = name + (" (the default of dynast-lite search)" if name == DEFAULT_SUPERNET else "")
        summary = getattr(factory, "summary", "")
        if summary:
            line += f"\n  {summary}"
        space = getattr(factory, "search_space", None)
        if callable(space):
            s = space()
            params = zip(s.names, s.counts, s.choices, strict=True)
            line += "\n  space   " + ", ".join(f"{n} {k}x{list(c)}" for n, k, c in params)
        metrics = getattr(factory, "metrics", None)
        if metrics:
            exact = set(getattr(factory, "exact_metrics", ()))
            line += "\n  metrics " + ", ".join(m + (" (exact)" if m in exact else "") for m in metrics)
        click.echo(line)
    click.echo(f"metrics known to the results format: {', '.join(sorted(METRICS))}")
