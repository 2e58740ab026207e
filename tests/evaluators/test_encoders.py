"""The elastic BERT-base (SST-2) and ViT-base/16 supernets on transformers' modules: sub-networks
equal the masked supernet, exact costs equal the counted ones, checkpoints and data load from
their usual layouts, accuracy is what it must be, and both run measure and a LINAS search."""

import json
from operator import attrgetter

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from safetensors.torch import save_file
from torch.nn.attention import SDPBackend, sdpa_kernel
from torch.utils.flop_counter import FlopCounterMode

import dynast_evaluators as de
import dynast_lite as dl
from dynast_evaluators.encoders.elastic import BERT_LAYOUT, VIT_LAYOUT, ElasticConfig, extract, masked
from dynast_evaluators.encoders.evaluator import build_bert, build_vit, map_vit_state
from dynast_evaluators.encoders.sst2 import read_sst2_tsv
from dynast_evaluators.layered import gene_values
from dynast_evaluators.measure import count_params
from dynast_lite.cli import main
from dynast_lite.results import read_results

from .conftest import make_image_folder
from .language_data import SST2_ROWS, make_sst2_folder

BERT, VIT = "bert_base_sst2", "vit_base_imagenet"


@pytest.fixture(scope="module")
def bert():
    return build_bert(seed=0)


@pytest.fixture(scope="module")
def vit():
    return build_vit(seed=0)


def _configs(name, n=3, seed=0):
    space = de.search_space(name)
    X = space.sample(n, np.random.default_rng(seed))
    X[0, 0] = 0  # the shallowest
    X[1, 0] = len(space.choices[0]) - 1  # the deepest
    return space, X, space.decode(X)


def _bert_inputs():
    ids = torch.randint(5, 30522, (2, 16), generator=torch.Generator().manual_seed(0))
    mask = torch.ones_like(ids)
    mask[1, 10:] = 0
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": torch.zeros_like(ids)}


def _vit_inputs():
    return {"pixel_values": torch.randn(2, 3, 224, 224, generator=torch.Generator().manual_seed(0))}


CASES = [
    (BERT, "bert", BERT_LAYOUT, "intermediate_size", _bert_inputs),
    (VIT, "vit", VIT_LAYOUT, "vit_intermediate_sizes", _vit_inputs),
]


@pytest.mark.parametrize(("name", "fixture", "layout", "ffn_key", "inputs"), CASES)
def test_spaces_are_dynast_s_and_genes_past_the_depth_are_inactive(name, fixture, layout, ffn_key, inputs):
    space = de.search_space(name)
    assert space.n_var == 25 and space.names == ("num_layers", "num_attention_heads", ffn_key)
    config = space.decode(space.sample(1, np.random.default_rng(1)))[0]
    config["num_layers"] = [space.choices[0][0]]
    active = space.active_genes(space.encode([config]))[0]
    n = space.choices[0][0]
    assert active[1 : 1 + n].all() and not active[1 + n : 13].any()


@pytest.mark.parametrize(("name", "fixture", "layout", "ffn_key", "inputs"), CASES)
def test_subnets_equal_the_masked_supernet(request, name, fixture, layout, ffn_key, inputs):
    model = request.getfixturevalue(fixture)
    _, _, cfgs = _configs(name)
    x = inputs()
    for config in cfgs:
        cfg = ElasticConfig.from_config(config, ffn_key)
        sub = extract(model, layout, cfg)
        with torch.no_grad():
            got = sub(**x).logits
            with masked(model, layout, cfg) as m:
                want = m(**x).logits
        assert torch.allclose(got, want, atol=1e-5, rtol=1e-5)
        # a real smaller model; the supernet is untouched
        assert sub.config.num_hidden_layers == cfg.layers
        layers = attrgetter(layout.layers)(sub)
        assert len(layers) == cfg.layers
        widths = [attrgetter(layout.q)(layer).out_features for layer in layers]
        assert widths == [64 * h for h in cfg.heads]
    assert count_params(model) == count_params(request.getfixturevalue(fixture))
    with torch.no_grad():
        assert torch.equal(model(**x).logits, model(**x).logits)


@pytest.mark.parametrize(("name", "fixture", "layout", "ffn_key", "inputs"), CASES)
def test_closed_form_costs_equal_the_counted_ones(request, name, fixture, layout, ffn_key, inputs):
    model = request.getfixturevalue(fixture)
    space, X, cfgs = _configs(name, n=3, seed=2)
    ev = de.load_supernet(name, pretrained=False)
    macs, params = ev.costs(gene_values(space, X))
    if fixture == "bert":
        one = torch.zeros(1, 128, dtype=torch.long)
        x = {"input_ids": one, "attention_mask": torch.ones_like(one), "token_type_ids": one}
    else:
        x = {"pixel_values": torch.zeros(1, 3, 224, 224)}
    for config, m, p in zip(cfgs, macs, params, strict=True):
        sub = extract(model, layout, ElasticConfig.from_config(config, ffn_key))
        assert p == count_params(sub)
        with torch.no_grad(), FlopCounterMode(display=False) as counter, sdpa_kernel(SDPBackend.MATH):
            sub(**x)
        assert m == counter.get_total_flops() // 2


def test_sst2_accuracy_is_the_hand_computed_fraction(tmp_path, bert):
    folder = make_sst2_folder(tmp_path / "SST-2")
    state = {k: v.clone() for k, v in bert.state_dict().items()}
    state["classifier.weight"].zero_()
    state["classifier.bias"].copy_(torch.tensor([0.0, 1.0]))  # always "positive"
    torch.save({"model": state, "epoch": 3}, tmp_path / "bert.pt")
    ev = de.load_supernet(BERT, checkpoint=str(tmp_path / "bert.pt"), dataset_path=str(folder), batch_size=2)
    config = _configs(BERT)[2][0]
    positives = sum(y for _, y in SST2_ROWS)
    assert ev.measure([config], ["accuracy_sst2"])[0]["accuracy_sst2"] == positives / len(SST2_ROWS)
    state["classifier.bias"].copy_(torch.tensor([1.0, 0.0]))  # always "negative"
    save_file(state, str(tmp_path / "bert.safetensors"))
    ev = de.load_supernet(
        BERT, checkpoint=str(tmp_path / "bert.safetensors"), dataset_path=str(folder / "dev.tsv")
    )
    assert ev.measure([config], ["accuracy_sst2"])[0]["accuracy_sst2"] == 1 - positives / len(SST2_ROWS)


def test_sst2_tsv_and_tokenizer_problems_are_one_clear_error(tmp_path):
    folder = make_sst2_folder(tmp_path / "SST-2")
    assert read_sst2_tsv(folder) == ([s for s, _ in SST2_ROWS], [y for _, y in SST2_ROWS])
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "dev.tsv").write_text("sentence\tlabel\na fine one\t2\n")
    with pytest.raises(ValueError, match=r"dev.tsv:2: expected 2 columns and a 0/1 label"):
        read_sst2_tsv(tmp_path / "bad")
    with pytest.raises(ValueError, match="no GLUE SST-2 dev.tsv"):
        read_sst2_tsv(tmp_path)
    (folder / "vocab.txt").unlink()
    ev = de.load_supernet(BERT, pretrained=False, dataset_path=str(folder))
    with pytest.raises(ValueError, match="no BERT tokenizer found"):
        ev.prepare(["accuracy_sst2"])
    with pytest.raises(ValueError, match="needs the supernet's weights"):
        de.load_supernet(BERT, dataset_path=str(folder)).prepare(["accuracy_sst2"])
    with pytest.raises(ValueError, match="dataset path .* does not exist"):
        de.load_supernet(BERT, dataset_path=str(tmp_path / "nowhere"))


def test_checkpoints_from_older_transformers_and_foreign_ones(tmp_path, bert, vit):
    # BERT saved by transformers < 4.31 carries a position_ids buffer
    state = dict(bert.state_dict(), **{"bert.embeddings.position_ids": torch.arange(512)[None]})
    torch.save(state, tmp_path / "old_bert.pt")
    ev = de.load_supernet(BERT, checkpoint=str(tmp_path / "old_bert.pt"))
    assert torch.equal(ev.supernet.classifier.weight, bert.classifier.weight)
    # ViT with transformers 4's names
    old = {}
    for name, value in vit.state_dict().items():
        for new, was in (
            (".q_proj.", ".attention.query."),
            (".k_proj.", ".attention.key."),
            (".v_proj.", ".attention.value."),
        ):
            name = name.replace(f".attention{new}", f".attention{was}")
        name = name.replace(".attention.o_proj.", ".output.dense.TMP").replace(
            ".mlp.fc1.", ".intermediate.dense."
        )
        name = name.replace(".mlp.fc2.", ".output.dense.").replace(
            ".output.dense.TMP", ".attention.output.dense."
        )
        old[name.replace("vit.layers.", "vit.encoder.layer.")] = value
    assert "vit.encoder.layer.0.attention.attention.query.weight" in old
    assert set(map_vit_state(old)) == set(vit.state_dict())
    torch.save({"state_dict": old}, tmp_path / "old_vit.pt")
    ev = de.load_supernet(VIT, checkpoint=str(tmp_path / "old_vit.pt"))
    assert torch.equal(ev.supernet.classifier.bias, vit.classifier.bias)
    # a checkpoint of the other supernet
    with pytest.raises(ValueError, match=r"old_vit.pt does not hold weights of bert_base_sst2"):
        de.load_supernet(BERT, checkpoint=str(tmp_path / "old_vit.pt")).prepare(["latency"])


def test_vit_accuracy_on_a_generated_folder(tmp_path, vit):
    root = make_image_folder(
        tmp_path / "imgs", {"blue": ["blue"], "green": ["green", "green"], "red": ["red"]}
    )
    state = {k: v.clone() for k, v in vit.state_dict().items()}
    state["classifier.weight"].zero_()
    state["classifier.bias"].zero_()
    state["classifier.bias"][:3] = torch.tensor([2.0, 3.0, 1.0])  # always green, then blue, then red
    torch.save(state, tmp_path / "vit.pt")
    ev = de.load_supernet(VIT, checkpoint=str(tmp_path / "vit.pt"), dataset_path=str(root), num_workers=0)
    row = ev.measure([_configs(VIT)[2][0]], ["accuracy_top1", "accuracy_top5"])[0]
    assert row == {"accuracy_top1": 50.0, "accuracy_top5": 100.0}
    # no train/ needed (no BatchNorm to recalibrate); a missing val/ is one clear error
    with pytest.raises(ValueError, match="has no val/ folder"):
        de.load_supernet(VIT, dataset_path=str(tmp_path))


@pytest.mark.slow
@pytest.mark.parametrize("name", [BERT, VIT])
def test_cli_measure_and_a_linas_search(tmp_path, name):
    if name == BERT:
        data, metric = make_sst2_folder(tmp_path / "SST-2"), "accuracy_sst2"
    else:
        data = make_image_folder(tmp_path / "imgs", {"blue": ["blue"], "green": ["green"], "red": ["red"]})
        metric = "accuracy_top1"
    config = _configs(name)[2][0]
    lines = tmp_path / "configs.jsonl"
    lines.write_text(json.dumps(config) + "\n")
    out = tmp_path / "measured.csv"
    args = [
        "measure",
        "--supernet",
        name,
        "--configs",
        str(lines),
        "--measurements",
        "macs",
        "params",
        metric,
    ]
    args += ["latency", "--latency_repeats", "2", "--latency_warmup", "0"]
    res = CliRunner().invoke(
        main,
        [
            *args,
            "--results_path",
            str(out),
            "--random-weights",
            "--dataset_path",
            str(data),
            "--dataloader_workers",
            "0",
        ],
    )
    assert res.exit_code == 0, res.output
    (record,) = read_results(out)
    ev = de.load_supernet(name, pretrained=False, dataset_path=str(data), num_workers=0)
    macs, params = ev.exact([config])
    assert (record.values["macs"], record.values["params"]) == (macs[0], params[0])
    assert record.values["latency"] > 0

    result = dl.search(
        ev,
        ev.space,
        optimization_metrics=[metric, "macs"],
        measurements=[metric, "macs", "params"],
        search_tactic="linas",
        num_evals=5,
        population=3,
        inner_evals=200,
        seed=0,
        results_path=tmp_path / "search.csv",
    )
    records = read_results(tmp_path / "search.csv")
    assert len(records) == len(result.records) == 5
    top = 1.0 if name == BERT else 100.0
    assert all(0.0 <= r.values[metric] <= top for r in records)
    assert [r.values["params"] for r in records] == ev.exact([r.config for r in records])[1].tolist()
