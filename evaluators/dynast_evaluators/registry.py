"""The supernets this package provides, described without torch: name, search space, metrics.

Each :class:`SupernetSpec` is what the ``dynast_lite.supernets`` entry point of its name loads:
cheap to import and inspect, and callable to build the evaluator (which imports torch).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import dynast_lite as dl

from .digits.space import DIGITS_SPEC, DigitsSpace
from .encoders.space import BERT_SPEC, VIT_SPEC, BertSpace, ViTSpace
from .ofa.spaces import MBV3_SPEC, PROXYLESS_SPEC, RESNET50_SPEC, OFAMobileSpace, OFAResNetSpace
from .translation.space import TRANSFORMER_LT_SPEC, TransformerLTSpace

__all__ = ["SUPERNETS", "SupernetSpec", "get_spec"]

IMAGE_METRICS = ("accuracy_top1", "accuracy_top5", "macs", "params", "latency")


@dataclass(frozen=True)
class SupernetSpec:
    """A registered supernet.

    Attributes:
        name: registry name (DyNAS-T's).
        family: which network family builds it (a key of ``dynast_evaluators.ofa.FAMILIES``).
        space_factory: builds the search space; cheap, no model.
        fixed: constant entries of every config (``r`` is the input resolution).
        metrics: what its evaluator measures.
        exact_metrics: the subset computed exactly from lookup tables.
        default_inner_evals: LINAS inner-loop budget suited to it (DyNAS-T's values).
        weights_url: OFA's model-zoo address of the pretrained weights.
        weights_file: file name of those weights in the cache directory.
        loader: ``module:function`` that builds the evaluator from the spec and options.
        build_kwargs: constructor arguments of the OFA supernet.
        search_defaults: settings of ``dynast-lite search`` that suit this supernet better than
            DyNAS-T's defaults (e.g. a smaller budget for the embedded digits supernet).
        summary: one line on what it is and what it needs, for ``dynast-lite supernets``.
    """

    name: str
    family: str
    space_factory: Callable[..., dl.SearchSpace]
    spec: Mapping[str, Any]
    fixed: Mapping[str, Any]
    default_inner_evals: int
    weights_url: str = ""
    weights_file: str = ""
    build_kwargs: Mapping[str, Any] = field(default_factory=dict)
    metrics: tuple[str, ...] = IMAGE_METRICS
    exact_metrics: tuple[str, ...] = ("macs", "params")
    loader: str = "dynast_evaluators.ofa.evaluator:load_ofa"
    search_defaults: Mapping[str, Any] = field(default_factory=dict)
    summary: str = ""

    def search_space(self) -> dl.SearchSpace:
        """The search space, with inactive genes masked in its ``features``; builds no model."""
        return self.space_factory(dict(self.spec), dict(self.fixed))

    def __call__(self, **options: Any) -> Any:
        """Build the evaluator (imports torch); ``options`` as :func:`dynast_evaluators.load_supernet`."""
        module, _, func = self.loader.partition(":")
        return getattr(importlib.import_module(module), func)(self, **options)


_ZOO = "https://raw.githubusercontent.com/han-cai/files/master/ofa/ofa_nets/"
_IMAGENET_NEEDS = (
    "accuracy needs an ImageNet-style folder (--dataset_path with train/ and val/) and OFA's "
    "weights (downloaded once, or --supernet_ckpt_path); MACs/params/latency need neither"
)


def _mobile(name: str, family: str, spec: Mapping[str, Any], width_mult: float) -> SupernetSpec:
    """An OFA MobileNetV3 / ProxylessNAS supernet: kernel sizes 3-7, expansions 3-6, depths 2-4."""
    title = {"mbv3": "MobileNetV3", "proxyless": "ProxylessNAS"}[family]
    return SupernetSpec(
        summary=f"Once-for-All {title} w{width_mult} on ImageNet; {_IMAGENET_NEEDS}",
        name=name,
        family=family,
        space_factory=OFAMobileSpace,
        spec=spec,
        fixed={"wid": None, "r": [224]},
        default_inner_evals=20_000,
        weights_url=_ZOO + name,
        weights_file=name,
        build_kwargs={
            "ks_list": [3, 5, 7],
            "expand_ratio_list": [3, 4, 6],
            "depth_list": [2, 3, 4],
            "width_mult": width_mult,
        },
    )


OFA_MBV3_W10 = _mobile("ofa_mbv3_d234_e346_k357_w1.0", "mbv3", MBV3_SPEC, 1.0)
OFA_MBV3_W12 = _mobile("ofa_mbv3_d234_e346_k357_w1.2", "mbv3", MBV3_SPEC, 1.2)
OFA_PROXYLESS_W13 = _mobile("ofa_proxyless_d234_e346_k357_w1.3", "proxyless", PROXYLESS_SPEC, 1.3)
OFA_RESNET50 = SupernetSpec(
    name="ofa_resnet50",
    summary=f"Once-for-All ResNet50 on ImageNet; {_IMAGENET_NEEDS}",
    family="resnet",
    space_factory=OFAResNetSpace,
    spec=RESNET50_SPEC,
    fixed={"r": [224]},
    default_inner_evals=5_000,
    # OFA keeps this one on Google Drive (downloaded with gdown)
    weights_url="https://drive.google.com/uc?id=1xy6VIPEHXqbbqNu3xEZUxhp5FbTVs5cQ",
    weights_file="ofa_resnet50_d0-1-2_e0.2-0.25-0.35_w0.65-0.8-1.0",
    build_kwargs={
        "depth_list": [0, 1, 2],
        "expand_ratio_list": [0.2, 0.25, 0.35],
        "width_mult_list": [0.65, 0.8, 1.0],
    },
)

ELASTIC_CNN_DIGITS = SupernetSpec(
    name="elastic_cnn_digits",
    family="digits",
    space_factory=DigitsSpace,
    spec=DIGITS_SPEC,
    fixed={},
    default_inner_evals=5_000,
    metrics=IMAGE_METRICS,
    loader="dynast_evaluators.digits.evaluator:load_digits",
    search_defaults={"num_evals": 100, "population": 20},
    summary=(
        "elastic CNN on scikit-learn's 8x8 handwritten digits (bundled, nothing to download); "
        "trained once on first use (under a minute) and cached"
    ),
)

_NO_ZOO = "there is no model zoo to download it from"

TRANSFORMER_LT_WMT_EN_DE = SupernetSpec(
    name="transformer_lt_wmt_en_de",
    family="transformer_lt",
    space_factory=TransformerLTSpace,
    spec=TRANSFORMER_LT_SPEC,
    fixed={},
    default_inner_evals=10_000,
    metrics=("bleu", "macs", "params", "latency"),
    loader="dynast_evaluators.translation.evaluator:load_translation",
    summary=(
        "HAT's SuperTransformer for WMT'14 En-De (plain PyTorch, no fairseq); BLEU needs its "
        f"checkpoint (--supernet_ckpt_path; {_NO_ZOO}) and a fairseq data folder (--dataset_path); "
        "MACs/params/latency need neither"
    ),
)
BERT_BASE_SST2 = SupernetSpec(
    name="bert_base_sst2",
    family="bert",
    space_factory=BertSpace,
    spec=BERT_SPEC,
    fixed={},
    default_inner_evals=20_000,
    metrics=("accuracy_sst2", "macs", "params", "latency"),
    loader="dynast_evaluators.encoders.evaluator:load_bert",
    summary=(
        "elastic BERT-base fine-tuned on SST-2 (transformers' modules); accuracy_sst2 (a fraction) "
        f"needs the supernet checkpoint ({_NO_ZOO}) and GLUE's SST-2 folder with dev.tsv and the "
        "model's vocab.txt; MACs/params/latency need neither"
    ),
)
VIT_BASE_IMAGENET = SupernetSpec(
    name="vit_base_imagenet",
    family="vit",
    space_factory=ViTSpace,
    spec=VIT_SPEC,
    fixed={},
    default_inner_evals=20_000,
    metrics=("accuracy_top1", "accuracy_top5", "macs", "params", "latency"),
    loader="dynast_evaluators.encoders.evaluator:load_vit",
    summary=(
        "elastic ViT-base/16 on ImageNet (transformers' modules); accuracy needs the supernet "
        f"checkpoint ({_NO_ZOO}) and an ImageNet-style folder with val/; MACs/params/latency "
        "need neither"
    ),
)

SUPERNETS: dict[str, SupernetSpec] = {
    s.name: s
    for s in (
        OFA_MBV3_W10,
        OFA_MBV3_W12,
        OFA_PROXYLESS_W13,
        OFA_RESNET50,
        ELASTIC_CNN_DIGITS,
        TRANSFORMER_LT_WMT_EN_DE,
        BERT_BASE_SST2,
        VIT_BASE_IMAGENET,
    )
}


def get_spec(name: str) -> SupernetSpec:
    """The supernet called ``name``; an unknown name raises one error listing the valid ones."""
    try:
        return SUPERNETS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown supernet {name!r}; choose from {sorted(SUPERNETS)}") from None
