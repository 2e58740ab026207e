"""Where weights live: the cache directory, downloads into it, and checkpoint files read
without unpickling code (``torch.load(weights_only=True)``)."""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import urllib.request
from pathlib import Path

import torch
from torch import nn

from dynast_lite.paths import cache_dir

__all__ = ["default_cache_dir", "download", "load_state", "read_checkpoint", "read_state_dict"]


def default_cache_dir() -> Path:
    """``$DYNAST_LITE_CACHE`` or ``~/.cache/dynast-lite``."""
    return cache_dir()


def download(url: str, dest: Path) -> Path:
    """Fetch ``url`` (http(s), file, or Google Drive through gdown) to ``dest`` atomically."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=dest.name + ".", suffix=".part")
    os.close(fd)
    try:
        if "drive.google.com" in url:
            import gdown

            if gdown.download(url, tmp, quiet=True) is None:
                raise OSError("gdown returned nothing")
        else:
            with urllib.request.urlopen(url, timeout=60) as src, open(tmp, "wb") as out:
                shutil.copyfileobj(src, out)
        os.replace(tmp, dest)
    except Exception as err:
        Path(tmp).unlink(missing_ok=True)
        raise ValueError(
            f"could not download the weights from {url} ({type(err).__name__}: {err}); "
            "on a machine without internet pass a local weights file "
            "(--supernet_ckpt_path for search, --checkpoint for measure)"
        ) from err
    return dest


def read_state_dict(path: Path) -> dict[str, torch.Tensor]:
    """The tensors of a checkpoint (a state dict, or one under ``state_dict``), loaded with
    ``weights_only=True``; anything else is one ``ValueError`` naming the file."""
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:
        raise ValueError(
            f"{path} is not a readable PyTorch checkpoint ({type(err).__name__}: {err})"
        ) from err
    state = data.get("state_dict", data) if isinstance(data, dict) else None
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ValueError(
            f"{path} holds no state dict (expected a dict of tensors, or one under 'state_dict')"
        )
    return state


def _some(keys: list[str], k: int = 3) -> str:
    return ", ".join(keys[:k]) + (f" and {len(keys) - k} more" if len(keys) > k else "")


def load_state(net: nn.Module, state: dict[str, torch.Tensor], path: Path, name: str) -> None:
    """Load ``state`` into ``net``; a checkpoint of another network is one short error naming
    the file, the supernet and a few of the keys or shapes that differ."""
    own = net.state_dict()
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    shapes = [k for k in own if k in state and own[k].shape != state[k].shape]
    if missing or unexpected or shapes:
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing tensors ({_some(missing)})")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected ({_some(unexpected)})")
        if shapes:
            k = shapes[0]
            got, want = tuple(state[k].shape), tuple(own[k].shape)
            parts.append(f"{len(shapes)} of other shapes ({k}: {got} instead of {want})")
        raise ValueError(f"{path} does not hold weights of {name}: {'; '.join(parts)}")
    net.load_state_dict(state)


def read_checkpoint(path: str | Path) -> dict[str, torch.Tensor]:
    """The tensors of a checkpoint: fairseq's (weights under ``model``), one under
    ``state_dict``, a plain state dict, or a safetensors file. Nothing but tensors and
    ``argparse.Namespace`` is unpickled; anything else is one error naming the file."""
    path = Path(path)
    if path.suffix == ".safetensors":
        from safetensors.torch import load_file

        try:
            return load_file(str(path))
        except Exception as err:
            raise ValueError(f"{path} is not a readable safetensors file ({err})") from err
    try:
        with torch.serialization.safe_globals([argparse.Namespace]):
            data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:
        raise ValueError(
            f"{path} is not a readable PyTorch checkpoint ({type(err).__name__}: {err})"
        ) from err
    state = data
    if isinstance(data, dict):
        for key in ("model", "state_dict"):
            if isinstance(data.get(key), dict):
                state = data[key]
                break
    if (
        not isinstance(state, dict)
        or not state
        or not all(isinstance(v, torch.Tensor) for v in state.values())
    ):
        raise ValueError(
            f"{path} holds no state dict (a dict of tensors, or one under 'model' or 'state_dict')"
        )
    return state
