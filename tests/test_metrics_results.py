from pathlib import Path

import numpy as np
import pytest

from dynast_lite.metrics import METRICS, get_metric, objectives
from dynast_lite.results import Record, ResultsLog, header_for, read_meta, read_results, write_meta

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
DYNAST_FILES = sorted(SHARED.glob("ofa_mbv3_*.csv"))


def test_metric_registry():
    assert get_metric("accuracy_top1").maximize and not get_metric("macs").maximize
    assert {m.column for m in METRICS.values()} >= {
        "Top-1 Acc (%)",
        "BLEU Score",
        "SST-2 Acc",
        "MACs",
        "Model Parameters",
        "Latency (ms)",
    }
    with pytest.raises(ValueError, match=r"unknown metric 'flops'; choose from \['accuracy_sst2'"):
        get_metric("flops")


def test_objectives_negate_maximised_metrics_once_in_the_given_order():
    rows = [{"accuracy_top1": 76.0, "macs": 3e8}, {"macs": 2e8}]
    F = objectives(rows, ["macs", "accuracy_top1"])
    assert F[0].tolist() == [3e8, -76.0]
    assert F[1, 0] == 2e8 and np.isnan(F[1, 1])


def test_header_follows_dynast():
    assert header_for(["accuracy_top1", "macs"]) == [
        "Sub-network",
        "Date",
        "Model Parameters",
        "Latency (ms)",
        "MACs",
        "Top-1 Acc (%)",
    ]
    assert header_for(["bleu", "latency", "model_size"])[-2:] == ["BLEU Score", "Model Size (MB)"]


def test_round_trip_is_exact_and_leaves_unmeasured_empty(tmp_path):
    path = tmp_path / "r.csv"
    log = ResultsLog(path, ["accuracy_top1", "macs", "latency"])
    config = {"wid": None, "ks": [3, 5], "e": [0.2, 0.35], "d": [2], "r": [224]}
    values = {"accuracy_top1": 76.123456789012345, "macs": 255502624.0, "latency": 0.1 + 0.2}
    log.append(Record(config, values, "2026-01-01"))
    log.append(Record(config, {"accuracy_top1": 70.5}))
    import csv

    rows = list(csv.reader(path.open()))
    assert rows[1][2:] == ["", "0.30000000000000004", "255502624", "76.12345678901235"]  # repr: exact
    assert rows[2][2:] == ["", "", "", "70.5"]  # not measured: empty, not 0
    back = read_results(path)
    assert back[0].config == config and back[0].values == values
    assert back[1].values == {"accuracy_top1": 70.5}


def test_existing_file_with_other_columns_is_refused(tmp_path):
    path = tmp_path / "r.csv"
    ResultsLog(path, ["accuracy_top1", "macs"])
    with pytest.raises(ValueError, match="has columns"):
        ResultsLog(path, ["bleu", "macs"])


@pytest.mark.skipif(not DYNAST_FILES, reason="shared data not present")
def test_reads_dynast_files():
    records = [r for p in DYNAST_FILES for r in read_results(p)]
    assert len(records) == 725
    first = records[0]
    assert first.config["wid"] is None and len(first.config["ks"]) == 20 and first.config["r"] == [224]
    assert first.values["params"] == 5029656 and first.values["macs"] == 255502624
    assert "latency" not in first.values  # DyNAS-T wrote 0 for "not measured"
    assert all(60 < r.values["accuracy_top1"] < 90 for r in records)


@pytest.mark.parametrize(
    "content, match",
    [
        ("nonsense,here\n", "not a results file"),
        ("Sub-network,Date,MACs\n\"{'a': [1]}\",d\n", r"r.csv:2: expected 3 fields, got 2"),
        ("Sub-network,Date,MACs\n\"{'a': [1\",d,5\n", r"r.csv:2: the sub-network is not a Python literal"),
        ("Sub-network,Date,MACs\n\"__import__('os')\",d,5\n", "not a Python literal"),
        ('Sub-network,Date,MACs\n"[1, 2]",d,5\n', "must be a dict"),
        ("Sub-network,Date,MACs\n\"{'a': [1]}\",d,lots\n", r"MACs = 'lots' is not a number"),
    ],
)
def test_corrupt_files_give_one_clear_error(tmp_path, content, match):
    path = tmp_path / "r.csv"
    path.write_text(content)
    with pytest.raises(ValueError, match=match):
        read_results(path)


def test_missing_file_and_meta(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        read_results(tmp_path / "nope.csv")
    with pytest.raises(ValueError, match="cannot resume"):
        read_meta(tmp_path / "nope.csv")
    write_meta(tmp_path / "r.csv", {"a": [1, 2]})
    assert read_meta(tmp_path / "r.csv") == {"a": [1, 2]}
    (tmp_path / "bad.csv.meta.json").write_text("{")
    with pytest.raises(ValueError, match="not valid JSON"):
        read_meta(tmp_path / "bad.csv")
