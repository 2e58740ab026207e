"""``dynast-lite measure`` and ``dynast-lite supernets`` through click's CliRunner."""

import ast
import csv
import json

from click.testing import CliRunner

from dynast_lite.cli import main
from dynast_lite.results import read_results

from .conftest import SHARED_DATA
from .test_ofa import ISSUE_CONFIG, W10


def _jsonl(path, configs):
    path.write_text("".join(json.dumps(c) + "\n" for c in configs))
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_measure_writes_a_results_file_and_never_measures_twice(tmp_path, cache_dir):
    other = dict(ISSUE_CONFIG, d=[4, 4, 4, 4, 4])
    configs = _jsonl(tmp_path / "c.jsonl", [ISSUE_CONFIG, other, ISSUE_CONFIG])
    out = tmp_path / "out.csv"
    args = ["measure", "--supernet", W10, "--configs", configs, "--measurements", "macs", "params"]
    args += ["--results_path", out, "--random-weights", "--cache_dir", cache_dir]
    res = run(*args)
    assert res.exit_code == 0, res.output
    records = read_results(out)
    assert [r.values for r in records][0] == {"macs": 255_502_624, "params": 5_029_656}
    assert len(records) == 2 and "latency" not in records[0].values
    again = run(*args)
    assert again.exit_code == 0 and "measuring 0" in again.output
    assert len(read_results(out)) == 2


def test_measure_reads_dynast_results_files(tmp_path, cache_dir):
    src = sorted(SHARED_DATA.glob("*.csv"))[0] if SHARED_DATA.is_dir() else None
    if src is None:
        import pytest

        pytest.skip("../shared/data not present")
    head = tmp_path / "head.csv"
    with open(src, newline="") as fh:
        rows = list(csv.reader(fh))[:4]
    with open(head, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    out = tmp_path / "out.csv"
    res = run(
        "measure",
        "--supernet",
        W10,
        "--configs",
        head,
        "--measurements",
        "macs",
        "params",
        "--results-path",
        out,
        "--random_weights",
        "--cache-dir",
        cache_dir,
    )
    assert res.exit_code == 0, res.output
    mine = {repr(r.config): r.values for r in read_results(out)}
    for row in rows[1:]:
        values = mine[repr(ast.literal_eval(row[0]))]
        assert values == {"params": float(row[2]), "macs": float(row[4])}


def test_measure_latency_on_this_machine(tmp_path, cache_dir):
    configs = _jsonl(tmp_path / "c.jsonl", [ISSUE_CONFIG])
    out = tmp_path / "out.csv"
    res = run(
        "measure",
        "--supernet",
        W10,
        "--configs",
        configs,
        "--measurements",
        "latency",
        "--results_path",
        out,
        "--random-weights",
        "--cache_dir",
        cache_dir,
        "--latency_repeats",
        3,
        "--latency_warmup",
        1,
    )
    assert res.exit_code == 0, res.output
    assert "median of 3" in res.output and "cpu" in res.output
    (record,) = read_results(out)
    assert record.values["latency"] > 0


def test_measure_errors_exit_non_zero_with_the_valid_choices(tmp_path, cache_dir):
    configs = _jsonl(tmp_path / "c.jsonl", [ISSUE_CONFIG])
    base = ["--configs", configs, "--results_path", tmp_path / "o.csv", "--random-weights"]
    res = run("measure", "--supernet", "ofa_nope", "--measurements", "macs", *base)
    assert res.exit_code != 0 and "ofa_resnet50" in res.output
    res = run("measure", "--supernet", W10, "--measurements", "flops", *base)
    assert res.exit_code != 0 and "unknown metric 'flops'" in res.output and "macs" in res.output
    res = run("measure", "--supernet", W10, "--measurements", "bleu", *base)
    assert res.exit_code != 0 and "cannot measure" in res.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"ks": [3]}\nnot json\n')
    res = run(
        "measure",
        "--supernet",
        W10,
        "--measurements",
        "macs",
        "--configs",
        bad,
        "--results_path",
        tmp_path / "o2.csv",
        "--random-weights",
    )
    assert res.exit_code != 0 and "bad.jsonl:2" in res.output
    outside = _jsonl(tmp_path / "outside.jsonl", [dict(ISSUE_CONFIG, e=[5] * 20)])
    res = run(
        "measure",
        "--supernet",
        W10,
        "--measurements",
        "macs",
        "--configs",
        outside,
        "--results_path",
        tmp_path / "o3.csv",
        "--random-weights",
        "--cache_dir",
        cache_dir,
    )
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
    res = run(
        "measure",
        "--supernet",
        "dynast_evaluators.registry:OFA_MBV3_W10",
        "--configs",
        configs,
        "--measurements",
        "macs",
        "--results_path",
        tmp_path / "o.csv",
        "--random-weights",
        "--cache_dir",
        cache_dir,
    )
    assert res.exit_code == 0, res.output


def test_measure_accuracy_on_a_folder(tmp_path, cache_dir):
    from .conftest import make_image_folder

    root = make_image_folder(tmp_path / "imgs", {"blue": ["blue"], "green": ["green"], "red": ["red"]})
    configs = _jsonl(tmp_path / "c.jsonl", [dict(ISSUE_CONFIG, r=[64])])
    out = tmp_path / "out.csv"
    res = run(
        "measure",
        "--supernet",
        W10,
        "--configs",
        configs,
        "--measurements",
        "accuracy_top1",
        "accuracy_top5",
        "macs",
        "--results_path",
        out,
        "--random-weights",
        "--cache_dir",
        cache_dir,
        "--dataset_path",
        root,
        "--dataloader_workers",
        0,
        "--batch_size",
        2,
    )
    assert res.exit_code == 0, res.output
    (record,) = read_results(out)
    assert set(record.values) == {"accuracy_top1", "accuracy_top5", "macs"}
    assert record.values["accuracy_top1"] in {0.0, 100 / 3, 200 / 3, 100.0}
    res = run(
        "measure",
        "--supernet",
        W10,
        "--configs",
        configs,
        "--measurements",
        "accuracy_top1",
        "--results_path",
        tmp_path / "o2.csv",
        "--random-weights",
        "--dataset_path",
        tmp_path / "nope",
    )
    assert res.exit_code != 0 and "does not exist" in res.output
