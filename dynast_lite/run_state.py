"""What a run keeps on disk and reads back: its results file and settings sidecar, the rows a
resumed run replays instead of measuring again, and the rows of warm-start files.

Nothing here ever truncates or overwrites a results file: a new run refuses an existing one, and
a resumed run appends to its own.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .evaluation import config_key
from .operators.duplicates import row_keys
from .results import Record, ResultsLog, meta_path, read_meta, read_results, write_meta
from .space import SearchSpace

__all__ = ["OpenedRun", "has_rows", "load_warm", "open_results"]

log = logging.getLogger("dynast_lite.nas")

#: settings that may change when a run is resumed: the budget (a finished run is extended by
#: resuming it with a larger one)
RESUMABLE_CHANGES = ("settings.num_evals",)


@dataclass
class OpenedRun:
    """The results file of a run, ready to append to.

    Attributes:
        log: the writer (None when the run writes no file).
        replay: config key -> record already measured by the run being resumed.
        fresh_resume: True when resuming found nothing to resume and started afresh.
    """

    log: ResultsLog | None
    replay: dict[str, Record]
    fresh_resume: bool = False


def load_warm(paths: Sequence[str | os.PathLike], space: SearchSpace) -> tuple[np.ndarray, list[Record]]:
    """Canonical index rows and records of earlier results files (DyNAS-T's or ours), each
    network once.

    Raises:
        ValueError: naming the file, if a file cannot be read or holds a config outside ``space``.
    """
    X, records, seen = [], [], set()
    for path in paths:
        for line, r in enumerate(read_results(path), start=2):
            config = {k: v for k, v in r.config.items() if k in space.names or k in space.fixed}
            try:
                row = space.canonical(space.encode([config]))
            except ValueError as err:
                raise ValueError(f"warm-start file {path}, row {line}: {_unprefixed(err)}") from None
            key = row_keys(row, np.int16)[0]
            if key in seen:  # the same network (configs may differ in inactive genes)
                continue
            seen.add(key)
            X.append(row)
            records.append(Record(config, r.values, r.date))
    return (np.concatenate(X) if X else np.zeros((0, space.n_var))), records


def has_rows(path: str | os.PathLike) -> bool:
    """Whether ``path`` holds at least one measured row (not just a header, or nothing)."""
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return False
    with open(path, newline="") as fh:
        return sum(1 for line in fh if line.strip()) > 1


def open_results(
    results_path: str | os.PathLike | None,
    meta: Mapping[str, Any],
    measurements: Sequence[str],
    resume: bool,
    space: SearchSpace,
) -> OpenedRun:
    """Open the results file of a new or resumed run and write its settings sidecar.

    Args:
        results_path: the CSV file, or None to write nothing.
        meta: the run's settings as saved in ``<results>.meta.json``.
        measurements: the metrics (its columns).
        space: the search space; a resumed run's rows must be configs of it.
        resume: continue the run already in ``results_path``. Its settings must equal ``meta``
            except for the budget ``num_evals``, which may grow (to extend a finished run) or
            shrink down to the rows already measured. Where nothing was measured yet (no file,
            or a header only), the run starts afresh and says so.

    Raises:
        ValueError: a new run whose file already holds rows; a resumed run with other
            settings, more rows than its budget, or a file without its settings sidecar.
    """
    if results_path is None:
        if resume:
            raise ValueError("resume needs a results_path")
        return OpenedRun(None, {})
    replay: dict[str, Record] = {}
    fresh_resume = False
    if resume and not has_rows(results_path):
        fresh_resume = True
        log.warning("nothing was measured in %s yet: starting the run afresh", results_path)
    elif resume:
        _drop_partial_tail(results_path)
        if not meta_path(results_path).is_file():
            raise ValueError(
                f"cannot resume {results_path}: it has no settings file {meta_path(results_path)} "
                "(it was not written by dynast-lite search); use it as a warm start instead"
            )
        saved = _with_defaults(_normal(read_meta(results_path)))
        diff = [d for d in _differences(_normal(meta), saved) if d not in RESUMABLE_CHANGES]
        if diff:
            raise ValueError(
                f"cannot resume {results_path}: these settings differ from the saved run's: {diff}"
            )
        replay = _replay(results_path, space)
        budget = meta["settings"]["num_evals"]
        if len(replay) > budget:
            raise ValueError(
                f"cannot resume {results_path} with num_evals={budget}: it already holds "
                f"{len(replay)} measured sub-networks; give num_evals >= {len(replay)}"
            )
    elif has_rows(results_path):
        raise ValueError(
            f"{results_path} already exists; pass resume=True (--resume) to continue that run, "
            "or choose another results path (--results_path); nothing is overwritten"
        )
    try:
        if not replay and os.path.exists(results_path):
            # a header without rows (a run that failed before measuring anything) holds nothing
            # to keep; it may have other columns, so it is started anew
            os.remove(results_path)
        writer = ResultsLog(results_path, measurements)
        write_meta(results_path, meta)
    except OSError as err:
        raise ValueError(f"cannot write the results file {results_path}: {err.strerror or err}") from None
    return OpenedRun(writer, replay, fresh_resume)


def _drop_partial_tail(path: str | os.PathLike) -> None:
    """Cut an incomplete last row (a write cut off by a crash: no final newline), which holds
    no complete measurement, so that the resumed run appends after the last complete row."""
    with open(path, "rb") as fh:
        data = fh.read()
    if not data or data.endswith(b"\n"):
        return
    keep = data.rfind(b"\n") + 1
    log.warning(
        "%s ends in an incomplete row (%d bytes): it is dropped and measured again", path, len(data) - keep
    )
    with open(path, "r+b") as fh:
        fh.truncate(keep)


def _unprefixed(err: ValueError) -> str:
    """An error of ``SearchSpace.encode`` on one config, without its "config 0" prefix."""
    return re.sub(r"^config 0:? ", "", str(err))


def _replay(path: str | os.PathLike, space: SearchSpace) -> dict[str, Record]:
    """The rows of a run being resumed, keyed by config; each must be a config of ``space``."""
    replay = {}
    for line, r in enumerate(read_results(path), start=2):
        try:
            space.encode([r.config])
        except ValueError as err:
            raise ValueError(
                f"cannot resume {path}: row {line} is not a config of this search space: {_unprefixed(err)}"
            ) from None
        replay[config_key(r.config)] = r
    return replay


def _with_defaults(saved: Any) -> Any:
    """``saved`` with the settings it predates (absent keys) taken at their defaults.

    Only keys that a newer version added are filled in, under ``settings``; a key whose value
    differs is left for :func:`_differences` to report.
    """
    from .nas import SearchSettings

    defaults = _normal(SearchSettings.field_defaults())
    settings = dict(saved.get("settings", {}))
    for key, value in defaults.items():
        settings.setdefault(key, value)
    return {**saved, "settings": settings}


def _differences(a: Any, b: Any, prefix: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            out += _differences(a.get(k), b.get(k), f"{prefix}{k}.")
        return out
    return [] if a == b else [prefix.rstrip(".")]


def _normal(value: Any) -> Any:
    # JSON has lists where the settings have tuples
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normal(v) for v in value]
    return value
