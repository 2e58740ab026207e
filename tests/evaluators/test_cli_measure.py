"""``dynast-lite measure`` and ``dynast-lite supernets`` through click's CliRunner."""

import ast
import csv
import json

import pytest
from click.testing import CliRunner

from dynast_lite.cli import main
from dynast_lite.results import read_results

from .conftest import SHARED_DATA, make_image_folder
from .test_ofa import ISSUE_CONFIG, W10


def _jsonl(path, configs):
    path.write_text("".join(json.dumps(c) + "\n" for c in configs))
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def measure(configs, out, metrics: str, *extra, supernet=W10):
    """``dynast-lite measure`` with random weights; ``metrics`` space-separated, as typed."""
    args = ["--supernet", supernet, "--configs", configs, "--measurements", *metrics.split()]
    return run("measure", *args, "--results_path", out, "--random-weights", *extra)


def test_measure_writes_a_results_file_and_never_measures_twice(tmp_path, cache_dir):
    other = dict(ISSUE_CONFIG, d=[4, 4, 4, 4, 4])
    configs = _jsonl(tmp_path / "c.jsonl", [ISSUE_CONFIG, other, ISSUE_CONFIG])
    out = tmp_path / "out.csv"
    res = measure(configs, out, "macs params", "--cache_dir", cache_dir)
    assert res.exit_code == 0, res.output
    records = read_results(out)
    assert [r.values for r in records][0] == {"macs": 255_502_624, "params": 5_029_656}
    assert len(records) == 2 and "latency" not in records[0].values
    again = measure(configs, out, "macs params", "--cache_dir", cache_dir)
    assert again.exit_code == 0 and "measuring 0" in again.output
    assert len(read_results(out)) == 2


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data not present")
def test_measure_reads_dynast_results_files(tmp_path, cache_dir):
    src = sorted(SHARED_DATA.glob("*.csv"))[0]
    head = tmp_path / "head.csv"
    with open(src, newline="") as fh:
        rows = list(csv.reader(fh))[:4]
    with open(head, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    out = tmp_path / "out.csv"
    # kebab-case flags work as well as DyNAS-T's snake_case
    args = ["--supernet", W10, "--configs", head, "--measurements", "macs", "params"]
    res = run("measure", *args, "--results-path", out, "--random_weights", "--cache-dir", cache_dir)
    assert res.exit_code == 0, res.output
    mine = {repr(r.config): r.values for r in read_results(out)}
    for row in rows[1:]:
        values = mine[repr(ast.literal_eval(row[0]))]
        assert values == {"params": float(row[2]), "macs": float(row[4])}


def test_measure_latency_on_this_machine(tmp_path, cache_dir):
    configs = _jsonl(tmp_path / "c.jsonl", [ISSUE_CONFIG])
    out = tmp_path / "out.csv"
    extra = ["--cache_dir", cache_dir, "--latency_repeats", 3, "--latency_warmup", 1]
    res = measure(configs, out, "latency", *extra)
    assert res.exit_code == 0, res.output
    assert "median of 3" in res.output and "cpu" in res.output
    (record,) = read_results(out)
    assert record.values["latency"] > 0


def test_measure_errors_exit_non_zero_with_the_valid_choices(tmp_path, cache_dir):
    configs = _jsonl(tmp_path / "c.jsonl", [ISSUE_CONFIG])
    out = tmp_path / "o.csv"
    res = measure(configs, out, "macs", supernet="ofa_nope")
    assert res.exit_code != 0 and "ofa_resnet50" in res.output
    res = measure(configs, out, "flops")
    assert res.exit_code != 0 and "unknown metric 'flops'" in res.output and "macs" in res.output
    res = measure(configs, out, "bleu")
    assert res.exit_code != 0 and "cannot measure" in res.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"ks": [3]}\nnot json\n')
    res = measure(bad, tmp_path / "o2.csv", "macs")
    assert res.exit_code != 0 and "bad.jsonl:2" in res.output
    outside = _jsonl(tmp_path / "outside.jsonl", [dict(ISSUE_CONFIG, e=[5] * 20)])
    res = measure(outside, tmp_path / "o3.csv", "macs", "--cache_dir", cache_dir)
    assert res.exit_code != 0 and "choices are [3, 4, 6]" in res.output


def test_supernets_lists_the_registered_ones():
    res = run("supernets")
    assert res.exit_code == 0
    for name in (
        "ofa_mbv3_d234_e346_k357_w1.0",
        "ofa_mbv3_d234_e346_k357_w1.2",
        "ofa_proxyless_d234_e346_k357_w1.3",
        "ofa_resnet50",
    ):
        assert name in res.output
    assert "macs (exact)" in res.output and "ks 21x[3, 5, 7]" in res.output


def test_a_module_factory_works_without_registration(tmp_path, cache_dir):
    configs = _jsonl(tmp_path / "c.jsonl", [ISSUE_CONFIG])
    factory = "dynast_evaluators.registry:OFA_MBV3_W10"
    res = measure(configs, tmp_path / "o.csv", "macs", "--cache_dir", cache_dir, supernet=factory)
    assert res.exit_code == 0, res.output


def test_measure_accuracy_on_a_folder(tmp_path, cache_dir):
    root = make_image_folder(tmp_path / "imgs", {"blue": ["blue"], "green": ["green"], "red": ["red"]})
    configs = _jsonl(tmp_path / "c.jsonl", [dict(ISSUE_CONFIG, r=[64])])
    out = tmp_path / "out.csv"
    extra = ["--cache_dir", cache_dir, "--dataset_path", root, "--dataloader_workers", 0, "--batch_size", 2]
    res = measure(configs, out, "accuracy_top1 accuracy_top5 macs", *extra)
    assert res.exit_code == 0, res.output
    (record,) = read_results(out)
    assert set(record.values) == {"accuracy_top1", "accuracy_top5", "macs"}
    assert record.values["accuracy_top1"] in {0.0, 100 / 3, 200 / 3, 100.0}
    res = measure(configs, tmp_path / "o2.csv", "accuracy_top1", "--dataset_path", tmp_path / "nope")
    assert res.exit_code != 0 and "does not exist" in res.output
