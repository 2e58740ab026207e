"""The Transformer-LT supernet: fairseq data and checkpoints read without fairseq, sub-networks
that compute what the supernet computes, exact costs, decoding and BLEU, end to end."""

import itertools
import json
import math
import pickle

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from torch.nn.attention import SDPBackend, sdpa_kernel
from torch.utils.flop_counter import FlopCounterMode

import dynast_evaluators as de
import dynast_lite as dl
from dynast_evaluators.measure import count_params
from dynast_evaluators.translation.bleu import corpus_bleu, split_compounds
from dynast_evaluators.translation.data import EOS, PAD, UNK, Dictionary, load_pairs, read_indexed, remove_bpe
from dynast_evaluators.translation.decoding import beam_search, greedy
from dynast_evaluators.translation.model import TransformerLT, super_arch
from dynast_evaluators.translation.space import LTArch, TransformerLTSpace, exact_costs_of_rows
from dynast_lite.cli import main
from dynast_lite.results import read_results

from .language_data import (
    SOURCES,
    TARGETS,
    make_translation_folder,
    save_fairseq_checkpoint,
    write_cached,
    write_dict,
    write_mmap,
)

NAME = "transformer_lt_wmt_en_de"
V = 40


@pytest.fixture(scope="module")
def supernet():
    torch.manual_seed(0)
    return TransformerLT(super_arch(), V).eval()


@pytest.fixture(scope="module")
def configs():
    space = TransformerLTSpace()
    X = space.sample(6, np.random.default_rng(0))
    # every encoder-decoder attention choice and the extreme decoder depths appear
    X[0, space._offsets[space.names.index("decoder_layer_num")]] = 0  # 6 layers
    X[1, space._offsets[space.names.index("decoder_layer_num")]] = 5  # 1 layer
    start = space._offsets[space.names.index("decoder_arbitrary_ende_attn")]
    X[0, start : start + 6] = [0, 1, 2, 0, 1, 2]
    return space, X, space.decode(X)


def _tokens(rows, width=None):
    width = width or max(len(r) for r in rows)
    out = torch.full((len(rows), width), PAD, dtype=torch.long)
    for i, r in enumerate(rows):
        out[i, width - len(r) :] = torch.tensor(r)
    return out


SRC = _tokens([[5, 6, 7, 8, 9, EOS], [10, 11, EOS]])
PREV = torch.tensor([[EOS, 12, 13, 14, 15], [EOS, 16, 17, 18, 19]])


def test_space_is_dynast_s_39_genes_and_inactive_decoder_layers_are_masked():
    space = de.search_space(NAME)
    assert space.n_var == 39 and space.names[4] == "decoder_layer_num"
    config = space.decode(space.sample(1, np.random.default_rng(0)))[0]
    config["decoder_layer_num"] = [2]
    X = space.encode([config])
    active = space.active_genes(X)[0]
    dec = space._offsets[space.names.index("decoder_ffn_embed_dim")]
    assert active[dec : dec + 2].all() and not active[dec + 2 : dec + 6].any()
    other = dict(config, decoder_ffn_embed_dim=config["decoder_ffn_embed_dim"][:2] + [1024] * 4)
    assert np.array_equal(space.canonical(X), space.canonical(space.encode([other])))


def test_subnets_compute_what_the_supernet_computes(supernet, configs):
    _, _, cfgs = configs
    for config in cfgs:
        arch = LTArch.from_config(config)
        sub = supernet.extract(arch)
        with torch.no_grad():
            want, got = supernet(SRC, PREV, arch), sub(SRC, PREV)
        assert torch.allclose(got, want, atol=1e-5, rtol=1e-5)
        # a real smaller model: its parameters have the sub-network's shapes
        assert sub.embed_tokens.weight.shape[1] == max(arch.encoder_embed_dim, arch.decoder_embed_dim)
        assert len(sub.decoder.layers) == len(arch.decoder_ffn)
        assert [layer.ffn.fc1.out_features for layer in sub.encoder.layers] == list(arch.encoder_ffn)


def test_incremental_decoding_equals_full_decoding(supernet, configs):
    _, _, cfgs = configs
    sub = supernet.extract(LTArch.from_config(cfgs[0]))
    with torch.no_grad():
        full = sub(SRC, PREV)
        enc, cache = sub.encode(SRC), sub.new_cache()
        steps = [sub.decode(PREV[:, : t + 1], enc, cache=cache) for t in range(PREV.shape[1])]
    assert torch.allclose(torch.cat(steps, dim=1), full, atol=1e-4, rtol=1e-5)


def _counted_macs(model, src, prev):
    with torch.no_grad(), FlopCounterMode(display=False) as counter, sdpa_kernel(SDPBackend.MATH):
        model(src, prev)
    return counter.get_total_flops() // 2


def test_closed_form_costs_equal_the_counted_ones(supernet, configs):
    space, X, cfgs = configs
    macs, params = exact_costs_of_rows(space, X, V)
    src = torch.full((1, 30), 7)
    src[0, 0] = EOS
    prev = torch.full((1, 30), 7)
    for config, m, p in zip(cfgs, macs, params, strict=True):
        sub = supernet.extract(LTArch.from_config(config))
        assert p == count_params(sub)
        assert m == _counted_macs(sub, src, prev)


def test_head_counts_change_neither_macs_nor_params(configs):
    space, X, cfgs = configs
    config = dict(cfgs[0], encoder_self_attention_heads=[4] * 6, decoder_ende_attention_heads=[4] * 6)
    a = exact_costs_of_rows(space, X[:1], V)
    b = exact_costs_of_rows(space, space.encode([config]), V)
    assert a == b


def test_greedy_is_beam_one_and_beam_search_finds_the_brute_force_best():
    torch.manual_seed(3)
    vocab, limit, lenpen = 7, 3, 0.6
    arch = super_arch(embed_dim=16, ffn=32, decoder_layers=2, heads=8)
    model = TransformerLT(arch, vocab).eval()
    with torch.no_grad():
        model.embed_tokens.weight.mul_(8.0)  # a peaked distribution with several plausible tokens
    src = _tokens([[4, 5, 6, EOS], [6, EOS]])
    assert greedy(model, src, max_len=limit) == beam_search(model, src, beam=1, max_len=limit)
    best = beam_search(model, src, beam=200, lenpen=lenpen, max_len=limit)
    tokens = [t for t in range(vocab) if t not in (PAD, EOS)]
    for row in range(src.shape[0]):
        scored = []
        for k in range(limit + 1):
            for hyp in itertools.product(tokens, repeat=k):
                prev = torch.tensor([[EOS, *hyp]])
                with torch.no_grad():
                    lp = torch.log_softmax(model(src[row : row + 1], prev).float(), dim=-1)[0]
                total = sum(lp[i, t].item() for i, t in enumerate(hyp)) + lp[k, EOS].item()
                scored.append((total / (k + 1) ** lenpen, list(hyp)))
        assert best[row] == max(scored)[1]
    # a narrower beam still returns one finished hypothesis per sentence, within the limit
    five = beam_search(model, src, beam=5, lenpen=lenpen, max_len=limit)
    assert len(five) == 2 and all(len(h) <= limit for h in five)


def test_indexed_readers_read_both_fairseq_formats(tmp_path):
    sentences = [[4, 5, 6, EOS], [7, EOS], [300, 301, 302, 303, 304, EOS]]
    write_mmap(tmp_path / "a", sentences, np.uint16)
    write_cached(tmp_path / "b", sentences, np.int32)
    for prefix in ("a", "b"):
        got = read_indexed(tmp_path / prefix)
        assert [s.tolist() for s in got] == sentences and got[0].dtype == np.int64
    (tmp_path / "c.idx").write_bytes(b"NOTANIDX" + b"\x00" * 30)
    (tmp_path / "c.bin").write_bytes(b"")
    with pytest.raises(ValueError, match="not a fairseq index"):
        read_indexed(tmp_path / "c")
    (tmp_path / "d.idx").write_bytes((tmp_path / "a.idx").read_bytes()[:20])
    (tmp_path / "d.bin").write_bytes(b"")
    with pytest.raises(ValueError, match="truncated or corrupt"):
        read_indexed(tmp_path / "d")
    with pytest.raises(ValueError, match="does not exist"):
        read_indexed(tmp_path / "missing")


def test_dictionary_follows_fairseq(tmp_path):
    d = Dictionary.load(write_dict(tmp_path / "dict.txt", ["hello", "wor@@", "ld"]))
    assert d.symbols[:4] == ["<s>", "<pad>", "</s>", "<unk>"] and d.index["hello"] == 4
    assert d.encode_line("hello nobody") == [4, UNK, EOS]
    assert d.string([4, 5, 6, EOS, PAD]) == "hello world"
    assert remove_bpe("a@@ b c@@ d e") == "ab cd e"
    (tmp_path / "bad.txt").write_text("hello 3\nnocount\n")
    with pytest.raises(ValueError, match=r"bad.txt:2"):
        Dictionary.load(tmp_path / "bad.txt")
    (tmp_path / "over.txt").write_text("hello 3\nhello 2 #fairseq:overwrite\n")
    assert len(Dictionary.load(tmp_path / "over.txt")) == 5


@pytest.mark.parametrize("binary", [True, False])
def test_test_split_reads_from_binarised_and_text_files(tmp_path, binary):
    pairs = load_pairs(make_translation_folder(tmp_path / "wmt", binary=binary))
    assert len(pairs.sources) == len(SOURCES)
    assert pairs.references == [remove_bpe(t) for t in TARGETS]
    assert pairs.src_dict.string(pairs.sources[2]) == "the biggest dog"
    assert pairs.sources[0][-1] == EOS


def test_missing_translation_data_is_one_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="dict.en.txt does not exist"):
        load_pairs(tmp_path / "empty")
    folder = make_translation_folder(tmp_path / "wmt")
    (folder / "test.en-de.en.idx").unlink()
    with pytest.raises(ValueError, match="holds neither"):
        load_pairs(folder)


def test_bleu_is_sacrebleu_corpus_bleu_with_hat_s_compound_splitting():
    assert corpus_bleu(["the cat sat on the mat"], ["the cat sat on the mat"]) == pytest.approx(100.0)
    # by hand: precisions 4/5, 3/4, 2/3, 1/2, equal lengths (no brevity penalty)
    by_hand = 100 * (0.8 * 0.75 * (2 / 3) * 0.5) ** 0.25
    assert corpus_bleu(["a b c d e"], ["a b c d f"]) == pytest.approx(by_hand, rel=1e-9)
    assert split_compounds("a well-known cat-dog") == "a well ##AT##-##AT## known cat ##AT##-##AT## dog"
    # splitting compounds gives credit for the matching halves
    assert corpus_bleu(["x well-known y z"], ["x well-kept y z"]) > corpus_bleu(
        ["x well-known y z"], ["x well-kept y z"], compound_split=False
    )
    with pytest.raises(ValueError, match="2 hypotheses but 1"):
        corpus_bleu(["a", "b"], ["a"])


def test_fairseq_checkpoints_load_and_foreign_ones_are_one_clear_error(tmp_path):
    folder = make_translation_folder(tmp_path / "wmt")
    vocab = len(Dictionary.load(folder / "dict.en.txt"))
    torch.manual_seed(5)
    source = TransformerLT(super_arch(), vocab)
    path = save_fairseq_checkpoint(tmp_path / "hat.pt", source.state_dict())
    ev = de.load_supernet(NAME, checkpoint=str(path), dataset_path=str(folder))
    for name, value in source.state_dict().items():
        assert torch.equal(ev.supernet.state_dict()[name], value), name
    # our own layout, as a plain state dict, loads too
    torch.save(source.state_dict(), tmp_path / "plain.pt")
    plain = de.load_supernet(NAME, checkpoint=str(tmp_path / "plain.pt"))
    assert torch.equal(plain.supernet.embed_tokens.weight, source.embed_tokens.weight)
    # a checkpoint of another shape
    small = TransformerLT(super_arch(embed_dim=512), vocab)
    bad = save_fairseq_checkpoint(tmp_path / "small.pt", small.state_dict())
    with pytest.raises(ValueError, match=r"small.pt does not hold weights of transformer_lt_wmt_en_de"):
        de.load_supernet(NAME, checkpoint=str(bad)).prepare(["latency"])
    # pickled code is refused, not run
    (tmp_path / "evil.pt").write_bytes(pickle.dumps({"model": print}, protocol=2))
    with pytest.raises(ValueError, match="evil.pt is not a readable PyTorch checkpoint"):
        de.load_supernet(NAME, checkpoint=str(tmp_path / "evil.pt")).prepare(["macs"])
        de.load_supernet(NAME, checkpoint=str(tmp_path / "evil.pt")).measure([], ["macs"])
    with pytest.raises(ValueError, match="checkpoint .* does not exist"):
        de.load_supernet(NAME, checkpoint=str(tmp_path / "none.pt"))


def test_bleu_needs_a_checkpoint_and_data_said_once(tmp_path):
    ev = de.load_supernet(NAME)
    with pytest.raises(ValueError, match="needs the SuperTransformer's weights"):
        ev.prepare(["bleu"])
    ev = de.load_supernet(NAME, pretrained=False)
    with pytest.raises(ValueError, match="pass dataset_path"):
        ev.prepare(["bleu"])
    with pytest.raises(ValueError, match="cannot measure \\['accuracy_top1'\\]"):
        ev.prepare(["accuracy_top1"])
    with pytest.raises(ValueError, match="unknown options \\['beam_size'\\]"):
        de.load_supernet(NAME, beam_size=4)


@pytest.mark.slow
def test_measure_end_to_end_on_tiny_data(tmp_path, configs):
    folder = make_translation_folder(tmp_path / "wmt")
    ev = de.load_supernet(
        NAME,
        pretrained=False,
        dataset_path=str(folder),
        latency_repeats=2,
        latency_warmup=0,
        batch_size=3,
        max_len_b=10,
    )
    config = configs[2][1]
    row = ev.measure([config], ["bleu", "macs", "params", "latency"])[0]
    hyps, refs = ev.translate(config)
    assert refs == [remove_bpe(t) for t in TARGETS] and len(hyps) == len(refs)
    assert row["bleu"] == pytest.approx(corpus_bleu(hyps, refs))
    macs, params = ev.exact([config])
    assert (row["macs"], row["params"]) == (macs[0], params[0])
    assert row["latency"] > 0 and ev.latency_reports[-1].repeats == 2
    # the vocabulary (and so the output projection's MACs) is the dictionary's
    assert ev.vocab_size == len(Dictionary.load(folder / "dict.en.txt"))


@pytest.mark.slow
def test_cli_measure_and_a_linas_search(tmp_path, configs):
    folder = make_translation_folder(tmp_path / "wmt")
    lines = tmp_path / "configs.jsonl"
    lines.write_text("".join(json.dumps(c) + "\n" for c in [configs[2][0], configs[2][0]]))
    out = tmp_path / "measured.csv"
    res = CliRunner().invoke(
        main,
        [
            "measure",
            "--supernet",
            NAME,
            "--configs",
            str(lines),
            "--measurements",
            "macs",
            "params",
            "bleu",
            "--results_path",
            str(out),
            "--random-weights",
            "--dataset_path",
            str(folder),
        ],
    )
    assert res.exit_code == 0, res.output
    assert len(read_results(out)) == 1  # the repeated config is measured once
    header = out.read_text().splitlines()[0]
    assert "BLEU Score" in header and "MACs" in header

    ev = de.load_supernet(NAME, pretrained=False, dataset_path=str(folder), max_len_b=10)
    result = dl.search(
        ev,
        ev.space,
        optimization_metrics=["bleu", "macs"],
        measurements=["bleu", "macs", "params"],
        search_tactic="linas",
        num_evals=6,
        population=3,
        inner_evals=200,
        seed=0,
        results_path=tmp_path / "search.csv",
    )
    records = read_results(tmp_path / "search.csv")
    assert len(records) == len(result.records) == 6
    macs, _ = ev.exact([r.config for r in records])
    assert [r.values["macs"] for r in records] == macs.tolist()
    assert all(0.0 <= r.values["bleu"] <= 100.0 for r in records)
    assert math.isfinite(result.records[0].values["bleu"])
