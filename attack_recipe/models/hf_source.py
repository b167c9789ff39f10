"""Where a Hugging Face classifier comes from: a local folder, the local HF cache, or the hub.

Resolution is its own step so that a typo in a path fails with "this folder does not exist" before
``transformers`` is imported, and a hub id that cannot be fetched says why (offline variable set,
hub unreachable, no such model, download failed) and what to do instead.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import ModelLoadError, ResourceNotFoundError, UsageError
from ..resources.paths import looks_like_path


def resolve_model_source(name_or_path: str | os.PathLike) -> str:
    """Return a loadable local path or hub id; raise a clear error for a path that does not exist."""
    spec = os.fspath(name_or_path)
    if not spec or not spec.strip():
        raise UsageError("expected a Hugging Face model id or a local model folder, got an empty string")
    path = Path(spec).expanduser()
    if path.exists():
        if not path.is_dir():
            raise UsageError(f"model path {path.resolve()} is a file; expected a folder written by save_pretrained")
        if path.is_dir() and not (path / "config.json").is_file():
            raise ResourceNotFoundError(
                f"victim model {spec!r}",
                [f"model path {path.resolve()} exists but holds no config.json"],
                "point at a folder written by `model.save_pretrained(...)` and `tokenizer.save_pretrained(...)`",
            )
        return str(path)
    if looks_like_path(spec):
        raise ResourceNotFoundError(
            f"victim model {spec!r}",
            [f"model path {path.resolve()} does not exist"],
            "check the path; a model folder holds config.json, weights and tokenizer files "
            "(written by save_pretrained)",
        )
    return spec  # a hub id


def _hub_error(spec: str, reason: str) -> ResourceNotFoundError:
    return ResourceNotFoundError(
        f"victim model {spec!r}",
        [f"Hugging Face hub id {spec!r} in the local HF cache: not there", f"Hugging Face hub id {spec!r}: {reason}"],
        "go online once so the hub can be reached (it caches the model), or, offline, pass a local folder "
        "written by save_pretrained (e.g. `--model ./my-model`)",
    )


def _weights_refused(source: str, exc: BaseException) -> ModelLoadError:
    """transformers' "Unable to load weights ... from a TF 2.0 checkpoint" for a folder that is there:
    almost always a ``.bin`` pickle that ``torch.load(weights_only=True)`` refuses (it holds objects
    other than tensors, which unpickling would construct by running code), or a corrupt file."""
    return ModelLoadError(
        f"victim model {source!r}: the weights in {Path(source).resolve()} were refused when loading "
        f"({_first_line(exc)}). A .bin checkpoint is a pickle, loaded with torch.load(weights_only=True), "
        "which refuses one that holds anything but tensors because unpickling it could run code; or the "
        "file is corrupt or cut short. If you trust the file, re-save the model from where it was trained "
        "with save_pretrained(folder, safe_serialization=True) (model.safetensors); never load it unsafely "
        "from an untrusted source."
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"


def load_model_and_tokenizer(source: str, model_kwargs: dict[str, Any]):
    """(model, tokenizer) from a local folder, the local HF cache, or the hub, with a clear error."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    def load(**extra: Any):
        tokenizer = AutoTokenizer.from_pretrained(source, **extra)
        model = AutoModelForSequenceClassification.from_pretrained(source, **extra, **model_kwargs)
        return model, tokenizer

    if Path(source).exists():
        try:
            return load()
        except OSError as exc:
            if "Unable to load weights" in str(exc):
                raise _weights_refused(source, exc) from exc
            raise ResourceNotFoundError(
                f"victim model {source!r}",
                [f"model path {Path(source).resolve()}: {_first_line(exc)}"],
                "make sure the folder holds the weights and tokenizer files written by save_pretrained",
            ) from exc
    try:
        return load(local_files_only=True)  # a hub model cached earlier works offline
    except OSError:
        pass
    from ..resources.paths import hub_reachable, network_allowed

    if not network_allowed():
        raise _hub_error(source, "not tried: an offline variable (HF_HUB_OFFLINE, TRANSFORMERS_OFFLINE, ATTACK_RECIPE_OFFLINE) is set")
    if not hub_reachable():
        raise _hub_error(source, "the hub could not be reached from this machine (offline?)")
    try:
        return load()
    except OSError as exc:
        text = str(exc)
        if "not a valid model identifier" in text or "RepositoryNotFound" in text or "404" in text:
            raise _hub_error(source, f"the hub does not have it, or it is private ({_first_line(exc)})") from exc
        raise _hub_error(source, f"the download failed ({_first_line(exc)})") from exc
