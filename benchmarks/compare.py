"""Tables of a benchmark run, ours against the peers: for every benchmark group, each
implementation's median time, its ratio to dynast-lite's, and its quality figures.

    pytest benchmarks/ --benchmark-only --benchmark-json out.json
    python benchmarks/compare.py out.json [--group SUBSTRING ...]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict


def _seconds(entry: dict) -> float:
    info = entry.get("extra_info", {})
    return float(info.get("seconds_per_seed", entry["stats"]["median"]))


def _label(entry: dict) -> str:
    params = entry.get("params") or {}
    return str(params.get("impl", entry["name"]))


def _natural(key: str) -> tuple:
    """hv_at_25 before hv_at_100: digit runs compare as numbers."""
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", key))


def _show(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)


def tables(data: dict, only: list[str]) -> str:
    groups: dict[str, list[dict]] = defaultdict(list)
    for entry in data["benchmarks"]:
        groups[entry.get("group") or entry["name"]].append(entry)
    out = []
    for group, entries in groups.items():
        if only and not any(o in group for o in only):
            continue
        ours = [e for e in entries if _label(e).startswith("dynast-lite")]
        base = _seconds(ours[0]) if ours else None
        keys = sorted(
            {k for e in entries for k in e.get("extra_info", {}) if k not in ("seeds", "seconds_per_seed")},
            key=_natural,
        )
        header = ["implementation", "seconds", "ours/peer time"] + keys  # seconds: per seed where seeded
        rows = []
        for e in entries:
            t = _seconds(e)
            ratio = "" if base is None or _label(e).startswith("dynast-lite") else f"{base / t:.3f}"
            rows.append(
                [_label(e), f"{t:.4g}", ratio] + [_show(e.get("extra_info", {}).get(k, "")) for k in keys]
            )
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        out.append(f"\n{group}\n")
        out.append("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
        out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        out += ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("json_file")
    parser.add_argument("--group", nargs="*", default=[])
    args = parser.parse_args()
    with open(args.json_file) as fh:
        data = json.load(fh)
    info = data.get("machine_info", {})
    print(f"{info.get('cpu', {}).get('brand_raw', '?')}, python {info.get('python_version', '?')}")
    print(tables(data, args.group))


if __name__ == "__main__":
    main()
