"""The evaluators of ``bert_base_sst2`` and ``vit_base_imagenet``: exact MACs/params in closed
form; latency and accuracy of the real sub-network built on ``transformers``' modules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..data import ImageFolderData
from ..evaluator_base import CommonSettings, SupernetEvaluator, build_evaluator
from ..measure import LatencyReport, evaluate_accuracy, measure_latency
from ..registry import SupernetSpec
from ..storage import load_state, read_checkpoint
from .elastic import BERT_LAYOUT, VIT_LAYOUT, ElasticConfig, Layout, extract
from .space import BERT, VIT, EncoderShape, encoder_costs
from .sst2 import SST2, load_sst2, load_tokenizer

__all__ = [
    "BertEvaluator",
    "BertSettings",
    "ViTEvaluator",
    "ViTSettings",
    "build_bert",
    "build_vit",
    "load_bert",
    "load_vit",
    "map_vit_state",
]


def build_bert(seed: int = 0) -> nn.Module:
    """BERT-base (uncased vocabulary, 12 x 768, 12 heads, 3072 units) with a 2-way classifier,
    seeded random weights."""
    from transformers import BertConfig, BertForSequenceClassification

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return BertForSequenceClassification(BertConfig(num_labels=2, attn_implementation="sdpa")).eval()


def build_vit(seed: int = 0) -> nn.Module:
    """ViT-base/16 at 224 x 224 with a 1000-way classifier, seeded random weights."""
    from transformers import ViTConfig, ViTForImageClassification

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return ViTForImageClassification(ViTConfig(num_labels=1000, attn_implementation="sdpa")).eval()


# transformers < 5 (and google/vit-base-patch16-224) named ViT's pieces differently
_VIT_RENAMES = (
    ("vit.encoder.layer.", "vit.layers."),
    (".attention.attention.query.", ".attention.q_proj."),
    (".attention.attention.key.", ".attention.k_proj."),
    (".attention.attention.value.", ".attention.v_proj."),
    (".attention.output.dense.", ".attention.o_proj."),
    (".intermediate.dense.", ".mlp.fc1."),
    (".output.dense.", ".mlp.fc2."),
)


def map_vit_state(state: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """ViT state dicts saved by transformers < 5 -> transformers 5's names (others unchanged)."""
    out = {}
    for name, value in state.items():
        for old, new in _VIT_RENAMES:
            name = name.replace(old, new)
        out[name] = value
    return out


class _Logits(nn.Module):
    """A ``transformers`` classifier as a plain module: inputs -> logits."""

    def __init__(self, model: nn.Module, text: bool):
        super().__init__()
        self.model, self.text = model, text

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.text:
            return self.model(
                input_ids=x, attention_mask=torch.ones_like(x), token_type_ids=torch.zeros_like(x)
            ).logits
        return self.model(pixel_values=x).logits


@dataclass(frozen=True)
class BertSettings(CommonSettings):
    """How the BERT evaluator loads weights and measures (and see
    :class:`~dynast_evaluators.evaluator_base.CommonSettings`).

    Attributes:
        checkpoint: the fine-tuned supernet: DyNAS-T's (state dict under ``model``), a plain
            state dict, or safetensors, with ``transformers``' BERT names.
        dataset_path: GLUE's SST-2 folder (``dev.tsv``) or the tsv file itself.
        tokenizer_path: a ``vocab.txt`` or a tokenizer folder; default: one found in the
            dataset folder (``vocab.txt``, ``tokenizer.json``, ``tokenizer/``), else in the
            checkpoint's folder.
        max_length: tokens per sentence (DyNAS-T's 128), also the length MACs and latency use.
    """

    batch_size: int = 32
    tokenizer_path: str | None = None
    max_length: int = 128


@dataclass(frozen=True)
class ViTSettings(CommonSettings):
    """How the ViT evaluator loads weights and measures.

    Attributes:
        checkpoint: the supernet: a plain state dict, one under ``model`` or ``state_dict``, or
            safetensors, with ``transformers``' ViT names (those of transformers < 5 are mapped).
        dataset_path: an ImageNet-style folder; only ``val/`` is read.
    """

    batch_size: int = 64
    num_workers: int = 4


class _EncoderEvaluator(SupernetEvaluator):
    layout: Layout
    shape: EncoderShape

    def __init__(self, spec: SupernetSpec, settings: CommonSettings):
        super().__init__(spec, settings)
        self._net: nn.Module | None = None

    def _build(self) -> nn.Module:
        raise NotImplementedError

    def _map(self, state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return state

    @property
    def supernet(self) -> nn.Module:
        """The supernet with the checkpoint's weights (random ones without a checkpoint)."""
        if self._net is None:
            net = self._build()
            if self.settings.checkpoint is not None:
                path = Path(self.settings.checkpoint)
                state = self._map(read_checkpoint(path))
                own = net.state_dict()
                # position-id buffers that older transformers saved carry no weights
                state = {
                    k: v
                    for k, v in state.items()
                    if k in own or not k.endswith(("position_ids", "token_type_ids"))
                }
                load_state(net, state, path, self.name)
            self._net = net.eval()
        return self._net

    def _needs_weights(self, metric: str) -> None:
        if self.settings.checkpoint is None and self.settings.pretrained:
            raise ValueError(
                f"{metric} of {self.name} needs the supernet's weights: pass a checkpoint "
                "(--supernet_ckpt_path), or random weights for a dry run"
            )

    def elastic(self, config: Mapping[str, Any]) -> ElasticConfig:
        self.encode([config])
        return ElasticConfig.from_config(config, self.shape.ffn_key)

    def subnet(self, config: Mapping[str, Any]) -> nn.Module:
        """The stand-alone sub-network of ``config`` (a ``transformers`` model, eval mode)."""
        return extract(self.supernet, self.layout, self.elastic(config), self.shape.head_dim)

    def costs(self, values: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        return encoder_costs(values, self.shape)

    def _latency_input(self) -> torch.Tensor:
        raise NotImplementedError

    def latency(self, config: Mapping[str, Any]) -> LatencyReport:
        s = self.settings
        return measure_latency(
            _Logits(self.subnet(config), text=self.layout is BERT_LAYOUT),
            self._latency_input(),
            device=s.device,
            batch_size=s.latency_batch_size,
            warmup=s.latency_warmup,
            repeats=s.latency_repeats,
        )


class BertEvaluator(_EncoderEvaluator):
    """Measures configs of the elastic BERT-base supernet on SST-2."""

    layout, shape = BERT_LAYOUT, BERT
    quality_metrics = ("accuracy_sst2",)

    def __init__(self, spec: SupernetSpec, settings: BertSettings):
        super().__init__(spec, settings)
        self.settings: BertSettings = settings
        self._data: SST2 | None = None

    def _build(self) -> nn.Module:
        return build_bert(self.settings.seed)

    @property
    def data(self) -> SST2:
        """The tokenised SST-2 sentences and labels (read on first need)."""
        if self._data is None:
            s = self.settings
            if s.dataset_path is None:
                raise ValueError(
                    "accuracy_sst2 needs GLUE's SST-2 data: pass dataset_path (a folder with dev.tsv)"
                )
            tokenizer = load_tokenizer(s.tokenizer_path, s.dataset_path, s.checkpoint)
            self._data = load_sst2(s.dataset_path, tokenizer, s.max_length)
        return self._data

    def prepare(self, metrics: Sequence[str]) -> None:
        super().prepare(metrics)
        if "accuracy_sst2" in metrics:
            self._needs_weights("accuracy_sst2")
            self.data  # noqa: B018 - reads and tokenises the data
        if "accuracy_sst2" in metrics or "latency" in metrics:
            self.supernet  # noqa: B018 - loads the weights

    def _latency_input(self) -> torch.Tensor:
        return torch.zeros(1, self.settings.max_length, dtype=torch.long)

    def quality(self, config: Mapping[str, Any], metrics: Sequence[str]) -> dict[str, float]:
        """SST-2 accuracy as a fraction in [0, 1] (DyNAS-T's unit for this column)."""
        self._needs_weights("accuracy_sst2")
        s, data = self.settings, self.data
        ids, mask, labels = data.input_ids, data.attention_mask, data.labels
        if s.test_fraction < 1.0:
            keep = np.sort(
                np.random.default_rng(s.seed).permutation(len(labels))[
                    : max(1, round(s.test_fraction * len(labels)))
                ]
            )
            ids, mask, labels = ids[keep], mask[keep], labels[keep]
        net = self.subnet(config).to(s.device)
        correct = 0
        with torch.inference_mode():
            for start in range(0, len(labels), s.batch_size):
                sl = slice(start, start + s.batch_size)
                logits = net(
                    input_ids=ids[sl].to(s.device),
                    attention_mask=mask[sl].to(s.device),
                    token_type_ids=torch.zeros_like(ids[sl]).to(s.device),
                ).logits
                correct += int((logits.argmax(dim=-1).cpu() == labels[sl]).sum())
        return {"accuracy_sst2": correct / len(labels)}


def vit_transform(resolution: int):
    """ViT-base/16's evaluation transform: resize to ``resolution`` square, normalise to [-1, 1]."""
    from torchvision import transforms

    return transforms.Compose(
        [
            transforms.Resize((resolution, resolution)),
            transforms.ToTensor(),
            transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
        ]
    )


class ViTEvaluator(_EncoderEvaluator):
    """Measures configs of the elastic ViT-base/16 supernet on an ImageNet-style folder."""

    layout, shape = VIT_LAYOUT, VIT
    quality_metrics = ("accuracy_top1", "accuracy_top5")
    resolution = 224

    def __init__(self, spec: SupernetSpec, settings: ViTSettings):
        super().__init__(spec, settings)
        self.data = None
        if settings.dataset_path is not None:
            self.data = ImageFolderData(
                Path(settings.dataset_path),
                batch_size=settings.batch_size,
                test_fraction=settings.test_fraction,
                num_workers=settings.num_workers,
                seed=settings.seed,
                transform=vit_transform,
                splits=("val",),
            )

    def _build(self) -> nn.Module:
        return build_vit(self.settings.seed)

    def _map(self, state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return map_vit_state(state)

    def prepare(self, metrics: Sequence[str]) -> None:
        super().prepare(metrics)
        accuracy = [m for m in metrics if m.startswith("accuracy")]
        if accuracy:
            self._needs_weights(accuracy[0])
            if self.data is None:
                raise ValueError(f"{accuracy} need an ImageNet-style folder (with val/): pass dataset_path")
        if accuracy or "latency" in metrics:
            self.supernet  # noqa: B018 - loads the weights

    def _latency_input(self) -> torch.Tensor:
        return torch.zeros(1, 3, self.resolution, self.resolution)

    def quality(self, config: Mapping[str, Any], metrics: Sequence[str]) -> dict[str, float]:
        """Top-1 / top-5 accuracy in percent on ``val/`` (LayerNorm only: no recalibration)."""
        self.prepare(list(metrics))
        net = _Logits(self.subnet(config), text=False)
        acc = evaluate_accuracy(net, self.data.val_loader(self.resolution), self.settings.device, topk=(1, 5))
        return {m: acc[int(m[-1])] for m in metrics}


def load_bert(spec: SupernetSpec, **options: Any) -> BertEvaluator:
    """Build the BERT evaluator; unknown options raise one error naming the valid ones."""
    return build_evaluator(BertEvaluator, BertSettings, spec, options)


def load_vit(spec: SupernetSpec, **options: Any) -> ViTEvaluator:
    """Build the ViT evaluator; unknown options raise one error naming the valid ones."""
    return build_evaluator(ViTEvaluator, ViTSettings, spec, options)
