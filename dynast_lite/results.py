"""DyNAS-T-compatible results files: one CSV row per measured sub-network, appended and
flushed one at a time, with a ``<results>.meta.json`` sidecar holding the run's settings.

Header: ``Sub-network,Date,Model Parameters,Latency (ms),MACs,<accuracy column(s)>``, then any
other measured metric's column. The config is a Python-literal dict, read back with
``ast.literal_eval`` (never ``eval``). A metric that was not measured is left empty.
"""

from __future__ import annotations

import ast
import csv
import datetime as _dt
import io
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .metrics import METRICS, get_metric

__all__ = [
    "FailureLog",
    "Record",
    "ResultsLog",
    "failures_path",
    "meta_path",
    "read_configs",
    "read_meta",
    "read_results",
]

_BASE_COLUMNS = ["Sub-network", "Date", "Model Parameters", "Latency (ms)", "MACs"]
_ACCURACY = ("accuracy_top1", "bleu", "accuracy_sst2")
_BY_COLUMN = {m.column: m.name for m in METRICS.values()}


@dataclass(frozen=True)
class Record:
    """One measured sub-network: its config, the measured values (metric name -> value) and
    when it was measured."""

    config: dict[str, Any]
    values: dict[str, float] = field(default_factory=dict)
    date: str = ""


def meta_path(results_path: str | os.PathLike) -> Path:
    return Path(f"{os.fspath(results_path)}.meta.json")


def failures_path(results_path: str | os.PathLike) -> Path:
    return Path(f"{os.fspath(results_path)}.failures.jsonl")


class FailureLog:
    """Append-only JSON lines of the candidates whose measurement failed: when, the config, the
    error (``Type: message``). Beside the results file, which holds their rows too (without the
    values that could not be measured)."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    def append(self, config: Mapping[str, Any], error: str) -> None:
        line = json.dumps({"date": str(_dt.datetime.now()), "config": config, "error": error}, default=repr)
        with open(self.path, "a") as fh:
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())


def header_for(measurements: Sequence[str]) -> list[str]:
    """DyNAS-T's header, with the accuracy-like columns measured and then any others."""
    names = [get_metric(m).name for m in measurements]
    cols = list(_BASE_COLUMNS)
    cols += [METRICS[n].column for n in _ACCURACY if n in names]
    cols += [METRICS[n].column for n in names if METRICS[n].column not in cols]
    if not any(n in names for n in _ACCURACY):
        cols.append(METRICS["accuracy_top1"].column)  # DyNAS-T readers expect one
    return cols


def _format(value: float | None) -> str:
    if value is None:
        return ""
    v = float(value)
    return repr(int(v)) if v.is_integer() and abs(v) < 2**53 else repr(v)


class ResultsLog:
    """Append-only writer of a results file.

    Args:
        path: the CSV file. Created with its header if missing; if it exists, its header must
            be the one these measurements give (so a resumed run appends to its own file).
        measurements: metric names measured in this run.
    """

    def __init__(self, path: str | os.PathLike, measurements: Sequence[str]):
        self.path = Path(path)
        self.columns = header_for(measurements)
        if self.path.exists() and self.path.stat().st_size > 0:
            with open(self.path, newline="") as fh:
                existing = next(csv.reader(fh), [])
            if existing != self.columns:
                raise ValueError(
                    f"{self.path} has columns {existing}, but this run writes {self.columns}; "
                    "use another results path or the same measurements"
                )
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "w", newline="") as fh:
                csv.writer(fh).writerow(self.columns)

    def append(self, record: Record) -> None:
        """Write one row and flush it to disk before returning."""
        row = {c: "" for c in self.columns}
        row["Sub-network"] = repr(record.config)
        row["Date"] = record.date or str(_dt.datetime.now())
        for name, value in record.values.items():
            column = get_metric(name).column
            if column in row:
                row[column] = _format(value)
        buf = io.StringIO()
        csv.writer(buf).writerow([row[c] for c in self.columns])
        with open(self.path, "a", newline="") as fh:
            fh.write(buf.getvalue())
            fh.flush()
            os.fsync(fh.fileno())


def read_results(path: str | os.PathLike) -> list[Record]:
    """Records of a results file, DyNAS-T's or ours.

    In DyNAS-T's files a latency of 0 means "not measured" and is read as missing. A row that
    cannot be read raises ``ValueError`` naming the file and line; so does a missing file.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"results file {path} does not exist")
    try:
        return _read_rows(path)
    except csv.Error as err:
        raise ValueError(f"{path} is not a readable CSV file: {err}") from None
    except UnicodeDecodeError as err:
        raise ValueError(f"{path} is not a text file: {err}") from None


def _clip(text: str, limit: int = 120) -> str:
    shown = repr(text)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def _read_rows(path: Path) -> list[Record]:
    records = []
    with open(path, newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if not header or header[0] != "Sub-network":
            raise ValueError(
                f"{path} is not a results file: its header is {header}, expected "
                f"one starting with 'Sub-network'"
            )
        unknown = [c for c in header[1:] if c != "Date" and c not in _BY_COLUMN]
        for line, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) != len(header):
                raise ValueError(f"{path}:{line}: expected {len(header)} fields, got {len(row)}")
            try:
                config = ast.literal_eval(row[0])
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as err:
                raise ValueError(
                    f"{path}:{line}: the sub-network is not a Python literal: {_clip(row[0])}"
                ) from err
            if not isinstance(config, dict) or not all(isinstance(k, str) for k in config):
                raise ValueError(
                    f"{path}:{line}: the sub-network must be a dict of named parameters, got {_clip(row[0])}"
                )
            values: dict[str, float] = {}
            for col, cell in zip(header[1:], row[1:], strict=True):
                if col == "Date" or col in unknown or cell.strip() == "":
                    continue
                try:
                    v = float(cell)
                except ValueError as err:
                    raise ValueError(f"{path}:{line}: {col} = {_clip(cell)} is not a number") from err
                name = _BY_COLUMN[col]
                if v != v or (name == "latency" and v == 0.0):  # NaN, or DyNAS-T's unmeasured latency
                    continue
                values[name] = v
            records.append(Record(config, values, row[1] if len(row) > 1 else ""))
    return records


def write_meta(path: str | os.PathLike, settings: Mapping[str, Any]) -> None:
    p = meta_path(path)
    tmp = p.with_suffix(".tmp")
    tmp.write_text(json.dumps(settings, indent=2, sort_keys=True))
    os.replace(tmp, p)


def read_meta(path: str | os.PathLike) -> dict[str, Any]:
    p = meta_path(path)
    if not p.is_file():
        raise ValueError(f"cannot resume: {p} (the run's settings) does not exist")
    try:
        return json.loads(p.read_text())
    except json.JSONDecodeError as err:
        raise ValueError(f"cannot resume: {p} is not valid JSON ({err})") from err


def read_configs(path: str | os.PathLike) -> list[dict[str, Any]]:
    """The configs listed in ``path``: a results file, or JSON lines of one config dict each.

    Blank lines are skipped; anything else that is not a config raises ``ValueError`` naming
    the file and line.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"configs file {path} does not exist")
    with open(path, newline="") as fh:
        first = fh.readline()
    if first.startswith("Sub-network"):
        return [r.config for r in read_results(path)]
    configs = []
    with open(path) as fh:
        for line, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            try:
                config = json.loads(text)
            except json.JSONDecodeError as err:
                raise ValueError(
                    f"{path}:{line}: not a JSON config ({err.msg}); give a results CSV or JSON lines"
                ) from err
            if not isinstance(config, dict):
                raise ValueError(f"{path}:{line}: a config must be a JSON object, got {text.strip()!r}")
            configs.append(config)
    if not configs:
        raise ValueError(f"{path} lists no configs")
    return configs
