"""What the commands share: DyNAS-T-style list options, both spellings of a flag, and how
evaluator options are passed to a supernet's factory."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

import click

__all__ = ["ListOptionsCommand", "factory_options", "spellings"]


def spellings(name: str) -> tuple[str, ...]:
    """``--name_with_parts`` and ``--name-with-parts``: DyNAS-T's snake case and kebab case
    (one flag for a one-word name)."""
    snake = name.replace("-", "_")
    kebab = snake.replace("_", "-")
    return (f"--{snake}",) if snake == kebab else (f"--{snake}", f"--{kebab}")


class ListOptionsCommand(click.Command):
    """A command whose list options take space-separated values, as DyNAS-T's argparse ``nargs='+'``
    does: ``--measurements macs params latency`` means three values (declare such options with
    ``multiple=True``)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        flags = {
            flag
            for p in self.params
            if isinstance(p, click.Option) and p.multiple
            for flag in p.opts + p.secondary_opts
        }
        out: list[str] = []
        current: str | None = None
        for token in args:
            if token in flags:
                current = token
                continue
            if current is not None and not token.startswith("-"):
                out += [current, token]
                continue
            current = None
            out.append(token)
        return super().parse_args(ctx, out)


def factory_options(
    factory: Callable[..., Any], options: Mapping[str, Any], explicit: set[str], supernet: str
) -> dict[str, Any]:
    """The evaluator options a supernet factory takes.

    A factory with ``**options`` (every registered supernet) gets them all; a plain function
    only those it names. An option the user set on the command line that the factory does not
    take is an error rather than silently dropped.
    """
    options = {k: v for k, v in options.items() if v is not None}
    try:
        params = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return options
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return options
    refused = sorted(k for k in explicit if k in options and k not in params)
    if refused:
        raise ValueError(
            f"supernet {supernet} takes none of the options {refused}; it takes {sorted(params)}"
        )
    return {k: v for k, v in options.items() if k in params}
