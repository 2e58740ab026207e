"""The OFA supernets: spaces as DyNAS-T defines them, exact lookup tables, extraction, weights,
and the evaluator's errors."""

import ast
import csv
import subprocess
import sys

import numpy as np
import pytest
import torch

import dynast_evaluators as de
from dynast_evaluators.measure import count_macs, count_params
from dynast_evaluators.ofa.tables import _cache_file

from .conftest import OFA_SUPERNETS, SHARED_DATA

W10 = "ofa_mbv3_d234_e346_k357_w1.0"
ISSUE_CONFIG = {
    "ks": [5, 7, 5, 5, 3, 3, 3, 7, 5, 5, 3, 7, 7, 3, 3, 3, 5, 5, 5, 5],
    "e": [4, 3, 4, 4, 4, 6, 3, 4, 4, 3, 4, 3, 3, 6, 6, 6, 4, 3, 4, 4],
    "d": [2, 3, 2, 4, 3],
    "wid": None,
    "r": [224],
}


def test_spaces_are_dynast_s_and_cheap():
    code = (
        "import sys, dynast_evaluators as de\n"
        "spaces = {n: de.search_space(n) for n in de.list_supernets()}\n"
        "assert 'torch' not in sys.modules, 'search_space imported torch'\n"
        "print({n: (s.names, s.counts) for n, s in spaces.items()})\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    spaces = ast.literal_eval(out)
    assert spaces[W10] == (("ks", "e", "d"), (20, 20, 5))
    assert spaces["ofa_mbv3_d234_e346_k357_w1.2"] == (("ks", "e", "d"), (20, 20, 5))
    assert spaces["ofa_proxyless_d234_e346_k357_w1.3"] == (("ks", "e", "d"), (21, 21, 5))
    assert spaces["ofa_resnet50"] == (("d", "e", "w"), (5, 18, 6))
    assert de.search_space("ofa_resnet50").choices[1] == (0.2, 0.25, 0.35)


def test_unknown_supernet_names_the_valid_ones():
    with pytest.raises(ValueError, match="ofa_resnet50"):
        de.search_space("ofa_mbv3_w9")


def test_inactive_blocks_are_masked():
    space = de.search_space(W10)
    X = space.encode([ISSUE_CONFIG])
    active = space.active_genes(X)[0]
    # d = [2, 3, 2, 4, 3]: blocks 0-1, 4-6, 8-9, 12-15, 16-18 run
    on = [0, 1, 4, 5, 6, 8, 9, 12, 13, 14, 15, 16, 17, 18]
    assert np.flatnonzero(active[:20]).tolist() == on
    assert (active[20:40] == active[:20]).all() and active[40:].all()
    prox = de.search_space("ofa_proxyless_d234_e346_k357_w1.3")
    Xp = np.zeros((1, prox.n_var))
    assert prox.block_active(Xp)[0, 20]  # the 21st block always runs
    res = de.search_space("ofa_resnet50")
    Xr = res.encode([{"d": [2, 0, 1, 2, 0], "e": [0.2] * 18, "w": [0] * 6, "r": [224]}])
    assert res.block_active(Xr)[0].tolist() == (
        [1, 1, 0, 0] + [1, 1, 1, 0] + [1, 1, 1, 1, 1, 1] + [1, 1, 0, 0]
    )


@pytest.mark.parametrize("name", OFA_SUPERNETS)
def test_lookup_tables_equal_torch_counts_on_random_configs(evaluators, name):
    ev = evaluators[name]
    configs = ev.space.decode(ev.space.sample(3, np.random.default_rng(7)))
    macs, params = ev.exact(configs)
    for config, m, p in zip(configs, macs, params, strict=True):
        sub = ev.subnet(config)
        assert m == count_macs(sub, torch.zeros(1, 3, 224, 224))
        assert p == count_params(sub)


def test_counts_agree_with_ofa_s_own_counter_up_to_its_float32_sums(evaluators):
    from ofa.utils.pytorch_utils import count_net_flops

    ev = evaluators[W10]
    for config in [ISSUE_CONFIG, *ev.space.decode(ev.space.sample(4, np.random.default_rng(2)))]:
        sub = ev.subnet(config)
        assert abs(count_net_flops(sub) - count_macs(sub, torch.zeros(1, 3, 224, 224))) <= 64


def test_issue_config_counts(evaluators):
    ev = evaluators[W10]
    assert ev.measure([ISSUE_CONFIG], ["macs", "params"]) == [{"macs": 255_502_624, "params": 5_029_656}]
    sub = ev.subnet(ISSUE_CONFIG)
    assert count_macs(sub, torch.zeros(1, 3, 224, 224)) == 255_502_624
    assert count_params(sub) == 5_029_656


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data not present")
def test_every_measured_dynast_config_is_exact(evaluators):
    configs, macs, params = [], [], []
    for path in sorted(SHARED_DATA.glob("ofa_mbv3_w1.0_imagenet_*.csv")):
        with open(path, newline="") as fh:
            for row in csv.DictReader(fh):
                configs.append(ast.literal_eval(row["Sub-network"]))
                macs.append(int(row["MACs"]))
                params.append(int(row["Model Parameters"]))
    assert len(configs) == 725
    m, p = evaluators[W10].exact(configs)
    assert m.tolist() == macs
    assert p.tolist() == params


@pytest.mark.parametrize("name", [W10, "ofa_proxyless_d234_e346_k357_w1.3", "ofa_resnet50"])
def test_extracted_subnet_computes_what_the_supernet_computes(evaluators, name):
    ev = evaluators[name]
    config = ev.space.decode(ev.space.sample(1, np.random.default_rng(3)))[0]
    sub = ev.subnet(config)
    x = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    with torch.inference_mode():
        ev.family.activate(ev.supernet, config)
        expected = ev.supernet.eval()(x)
        got = sub(x)
    assert torch.allclose(got, expected, atol=1e-5, rtol=1e-4)


def test_genes_of_inactive_blocks_change_nothing(evaluators):
    ev = evaluators[W10]
    other = dict(ISSUE_CONFIG, ks=list(ISSUE_CONFIG["ks"]))
    other["ks"][2] = 3 if other["ks"][2] != 3 else 7  # block 2 is beyond stage 0's depth of 2
    assert ev.measure([ISSUE_CONFIG], ["macs"]) == ev.measure([other], ["macs"])
    x = torch.randn(1, 3, 64, 64)
    with torch.inference_mode():
        assert torch.equal(ev.subnet(ISSUE_CONFIG)(x), ev.subnet(other)(x))


def test_dynast_s_20_block_proxyless_configs_mean_a_largest_last_block(evaluators):
    ev = evaluators["ofa_proxyless_d234_e346_k357_w1.3"]
    old = {"wid": None, "ks": [3] * 20, "e": [4] * 20, "d": [2, 3, 4, 2, 3], "r": [224]}
    full = dict(old, ks=[3] * 20 + [7], e=[4] * 20 + [6])
    assert ev.measure([old], ["macs", "params"]) == ev.measure([full], ["macs", "params"])
    assert ev.space.decode(ev.space.encode([old]))[0] == full
    # what DyNAS-T ran: OFA's set_active_subnet with 20 values leaves block 21 at its defaults
    from dynast_evaluators.ofa.networks import build_supernet

    net = build_supernet(ev.spec)
    net.set_active_subnet(ks=old["ks"], e=old["e"], d=old["d"])
    dynast_sub = net.get_active_subnet(preserve_weight=False)
    assert count_macs(dynast_sub, torch.zeros(1, 3, 224, 224)) == ev.measure([old], ["macs"])[0]["macs"]
    with pytest.raises(ValueError, match="needs 21 values"):
        ev.measure([dict(old, ks=[3] * 19)], ["macs"])


def test_resnet_width_genes_change_the_network(evaluators):
    # DyNAS-T 1.6 sends ResNet50's w genes to the depth argument and never sets widths
    ev = evaluators["ofa_resnet50"]
    base = {"d": [2, 2, 2, 2, 2], "e": [0.35] * 18, "w": [2] * 6, "r": [224]}
    narrow = dict(base, w=[0] * 6)
    (a,), (b,) = ev.measure([base], ["macs"]), ev.measure([narrow], ["macs"])
    assert b["macs"] < a["macs"]


def test_the_table_cache_is_reused_and_rebuilt_when_damaged(evaluators, cache_dir, monkeypatch):
    from dynast_evaluators.ofa import evaluator as evaluator_module

    ev = evaluators[W10]
    path = _cache_file(cache_dir, ev.spec, 224)
    assert path.is_file()
    built = []
    real_build = evaluator_module.build_supernet
    monkeypatch.setattr(
        evaluator_module, "build_supernet", lambda *a, **k: built.append(1) or real_build(*a, **k)
    )
    fresh = de.load_supernet(W10, pretrained=False, cache_dir=str(cache_dir))
    assert fresh.measure([ISSUE_CONFIG], ["macs"])[0]["macs"] == 255_502_624
    assert fresh._net is None and not built  # served from the cache: no supernet was built
    path.write_bytes(b"not a table")
    again = de.load_supernet(W10, pretrained=False, cache_dir=str(cache_dir))
    assert again.measure([ISSUE_CONFIG], ["params"])[0]["params"] == 5_029_656
    assert built  # the damaged entry was rebuilt from a supernet


def test_tables_at_another_resolution(evaluators):
    ev = evaluators[W10]
    (m,), (p,) = ev.exact([dict(ISSUE_CONFIG, r=[160])])
    assert m == count_macs(ev.subnet(ISSUE_CONFIG), torch.zeros(1, 3, 160, 160))
    assert p == 5_029_656
    with pytest.raises(ValueError, match="resolution"):
        ev.exact([dict(ISSUE_CONFIG, r=[0])])


# -- weights -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def saved_weights(tmp_path_factory):
    from dynast_evaluators.ofa.networks import build_supernet

    net = build_supernet(de.SUPERNETS[W10], seed=11)
    path = tmp_path_factory.mktemp("ckpt") / "w10.pth"
    torch.save({"state_dict": net.state_dict(), "epoch": 3}, path)
    return path, net.state_dict()


def _same_weights(a, b) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_checkpoint_round_trip(saved_weights, tmp_path):
    path, state = saved_weights
    ev = de.load_supernet(W10, checkpoint=str(path), cache_dir=str(tmp_path))
    assert _same_weights(ev.supernet.state_dict(), state)


def test_model_zoo_download_goes_through_the_cache(saved_weights, tmp_path):
    path, state = saved_weights
    ev = de.load_supernet(W10, cache_dir=str(tmp_path), weights_url=path.as_uri())
    assert _same_weights(ev.supernet.state_dict(), state)
    cached = tmp_path / "ofa_nets" / de.SUPERNETS[W10].weights_file
    assert cached.is_file()
    # the next load finds the cached file and needs no address at all
    ev2 = de.load_supernet(W10, cache_dir=str(tmp_path), weights_url=(tmp_path / "gone").as_uri())
    assert _same_weights(ev2.supernet.state_dict(), state)


def test_bad_weights_get_one_clear_error(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        de.load_supernet(W10, checkpoint=str(tmp_path / "missing.pth"))
    junk = tmp_path / "junk.pth"
    junk.write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="not a readable PyTorch checkpoint"):
        de.load_supernet(W10, checkpoint=str(junk)).supernet  # noqa: B018
    wrong = tmp_path / "wrong.pth"
    torch.save({"state_dict": {"blocks.0.conv.weight": torch.zeros(1)}}, wrong)
    with pytest.raises(ValueError, match="does not hold weights"):
        de.load_supernet(W10, checkpoint=str(wrong)).supernet  # noqa: B018
    offline = de.load_supernet(W10, cache_dir=str(tmp_path), weights_url=(tmp_path / "none").as_uri())
    with pytest.raises(ValueError, match="--checkpoint"):
        offline.supernet  # noqa: B018


def test_evaluator_errors_name_the_valid_values(evaluators):
    ev = evaluators[W10]
    with pytest.raises(ValueError, match="accuracy_top1"):
        ev.measure([ISSUE_CONFIG], ["bleu"])
    with pytest.raises(ValueError, match="dataset"):
        ev.measure([ISSUE_CONFIG], ["accuracy_top1"])
    with pytest.raises(ValueError, match=r"choices are \[3, 5, 7\]"):
        ev.measure([dict(ISSUE_CONFIG, ks=[4] * 20)], ["macs"])
    with pytest.raises(ValueError, match="valid options"):
        de.load_supernet(W10, batchsize=3)


def test_latency_of_a_subnetwork(evaluators):
    ev = de.load_supernet(
        W10, pretrained=False, cache_dir=str(evaluators[W10].cache_dir), latency_repeats=3, latency_warmup=1
    )
    (row,) = ev.measure([ISSUE_CONFIG], ["latency"])
    report = ev.latency_reports[-1]
    assert row["latency"] == report.median_ms > 0
    assert (report.repeats, report.batch_size, report.device) == (3, 1, "cpu")


@pytest.mark.slow
def test_accuracy_end_to_end_on_a_generated_folder(evaluators, tmp_path):
    from dynast_evaluators.data import ImageFolderData
    from dynast_evaluators.measure import evaluate_accuracy, recalibrate_bn

    from .conftest import make_image_folder

    root = make_image_folder(tmp_path / "imgs", {"blue": ["blue", "red"], "green": ["green"], "red": ["red"]})
    options = dict(pretrained=False, dataset_path=str(root), cache_dir=str(evaluators[W10].cache_dir))
    options |= dict(batch_size=3, bn_images=6, bn_batch_size=4, num_workers=0, seed=5)
    ev = de.load_supernet(W10, **options)
    config = dict(ISSUE_CONFIG, r=[64])
    first = ev.measure([config], ["accuracy_top1", "accuracy_top5"])
    assert first == ev.measure([config], ["accuracy_top1", "accuracy_top5"])  # same seed, same value
    # by hand: recalibrate on the seeded train subset, then count hits over all 4 val images
    data = ImageFolderData(root, batch_size=3, bn_images=6, bn_batch_size=4, num_workers=0, seed=5)
    net = recalibrate_bn(ev.subnet(config), data.bn_loader(64))
    assert not torch.equal(
        net.blocks[1].conv.point_linear.bn.running_mean,
        ev.subnet(config).blocks[1].conv.point_linear.bn.running_mean,
    )
    assert evaluate_accuracy(net, data.val_loader(64)) == {
        1: first[0]["accuracy_top1"],
        5: first[0]["accuracy_top5"],
    }
    assert first[0]["accuracy_top1"] in {0.0, 25.0, 50.0, 75.0, 100.0}
