"""Turn a victim spec (the CLI's ``--model``) into a :class:`Victim`.

Resolution order for ``spec``:

1. ``None`` → the default built-in victim (``sentiment-minilm``);
2. a name registered in the ``attack_recipe.victims`` entry-point group → its factory, called;
3. ``module:attr`` → a Victim instance, or a class/factory returning one (called with no arguments);
   the module is imported with the working directory on the import path (``./mymodel.py`` works);
4. ``http://`` / ``https://`` → :class:`~attack_recipe.models.http.HttpVictim` (JSON over POST);
5. an existing local folder with ``config.json`` → :class:`HuggingFaceVictim`;
6. something that reads as a path but does not exist → error naming the path;
7. a bare word close to a registered name (``sentiment-minlm``) → did-you-mean error;
8. otherwise a Hugging Face hub id (clear error when offline or unknown).
"""

from __future__ import annotations

import importlib
import inspect
import logging
from pathlib import Path
from typing import Any, Mapping

from .. import registry
from ..errors import ResourceNotFoundError, UnknownNameError, UsageError
from .base import Victim

logger = logging.getLogger(__name__)

DEFAULT_VICTIM = "sentiment-minilm"


def victim_names() -> list[str]:
    """Registered victim names, from package metadata (nothing is imported)."""
    return registry.names("victim")


def _call_factory(factory: Any, label: str, device: str | None, batch_size: int | None) -> Victim:
    """Call a victim factory, passing device/batch_size only when given and accepted."""
    kwargs: dict[str, Any] = {}
    try:
        params = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        params = {}
    accepts_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    for key, value in (("device", device), ("batch_size", batch_size)):
        if value is None:
            continue
        if key in params or accepts_any:
            kwargs[key] = value
        else:
            logger.warning("victim %s does not take %s; ignoring %s=%r", label, key, key, value)
    try:
        victim = factory(**kwargs)
    except TypeError as exc:
        raise UsageError(f"victim factory {label} could not be called with {kwargs or 'no arguments'}: {exc}") from exc
    if not isinstance(victim, Victim):
        raise UsageError(f"victim factory {label} returned {type(victim).__name__}, expected an attack_recipe Victim")
    return victim


def _load_entry_point(name: str, device: str | None, batch_size: int | None) -> Victim:
    """The registered victim ``name``: imported and checked by the registry, then built."""
    factory = registry.load("victim", name)  # PluginError naming the plugin if it is broken
    return _call_factory(factory, f"{name!r} ({registry.entry('victim', name).target})", device, batch_size)


def _load_module_attr(spec: str, device: str | None, batch_size: int | None) -> Victim:
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise UsageError(f"expected 'module:attribute' (e.g. mypkg.models:make_victim), got {spec!r}")
    _import_from_working_directory()
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UsageError(f"could not import module {module_name!r} from victim spec {spec!r} "
                         f"(searched the working directory {Path.cwd()} and sys.path): {exc}") from exc
    obj: Any = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise UsageError(f"module {module_name!r} has no attribute {attr!r} (victim spec {spec!r})")
        obj = getattr(obj, part)
    if isinstance(obj, Victim):
        return obj
    if inspect.isclass(obj):
        if not issubclass(obj, Victim):
            raise UsageError(f"{spec} is the class {obj.__name__}, which is not an attack_recipe Victim")
        return _call_factory(obj, spec, device, batch_size)
    if callable(obj):
        try:
            params = inspect.signature(obj).parameters.values()
        except (TypeError, ValueError):
            params = []
        required = [p for p in params if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if required:
            raise UsageError(
                f"{spec} looks like a prediction function (it takes {', '.join(p.name for p in required)}), not a victim "
                "factory: a plain list[str] -> probabilities function needs class labels. Wrap it: "
                "CallableVictim(fn, labels=['negative', 'positive']) and point the spec at that object or a "
                "zero-argument factory returning it"
            )
        return _call_factory(obj, spec, device, batch_size)
    raise UsageError(f"{spec} is a {type(obj).__name__}; expected a Victim, a Victim class or a factory returning one")


def _import_from_working_directory() -> None:
    """Put the working directory first on ``sys.path``, as ``python -m`` and uvicorn do, so that
    ``--model mymodel:make_victim`` finds ``./mymodel.py`` however attack-recipe was started (the
    console script, ``pytest``, ``python -m``), without ``PYTHONPATH=.``."""
    import sys

    cwd = str(Path.cwd())
    if cwd not in sys.path and "" not in sys.path:
        sys.path.insert(0, cwd)


def is_http_spec(spec: Any) -> bool:
    """True for a victim spec that names an HTTP endpoint (``http://`` / ``https://``)."""
    return isinstance(spec, str) and spec.strip().lower().startswith(("http://", "https://"))


def load_victim(spec: str | None = None, *, device: str | None = None, batch_size: int | None = None,
                http: Mapping[str, Any] | None = None) -> Victim:
    """Resolve ``spec`` to a victim (see the module docstring for the order).

    ``http`` holds :class:`~attack_recipe.models.http.HttpVictim` options (``timeout``, ``retries``,
    ``backoff``, ``headers``) for an ``http(s)://`` spec; given with any other spec it is a
    :class:`UsageError` rather than silently ignored.
    """
    if spec is None:
        spec = DEFAULT_VICTIM
    if isinstance(spec, Victim):
        return spec
    if not isinstance(spec, str) or not spec.strip():
        raise UsageError(f"expected a victim name, path, module:attr, URL or hub id, got {spec!r}")
    spec = spec.strip()
    if http and not is_http_spec(spec):
        raise UsageError(f"HTTP options ({', '.join(sorted(http))}) apply to an http(s):// victim only, "
                         f"not to {spec!r}")
    if spec in victim_names():
        return _load_entry_point(spec, device, batch_size)
    if is_http_spec(spec):
        from .http import HttpVictim

        return HttpVictim(spec, **({"batch_size": batch_size} if batch_size is not None else {}), **(http or {}))
    if ":" in spec and not Path(spec).expanduser().exists():
        return _load_module_attr(spec, device, batch_size)

    from .huggingface import HuggingFaceVictim, looks_like_path, resolve_model_source

    kwargs: dict[str, Any] = {"device": device}
    if batch_size is not None:
        kwargs["batch_size"] = batch_size
    path = Path(spec).expanduser()
    if path.exists() or looks_like_path(spec):
        resolve_model_source(spec)  # raises a clear error naming the path
        return HuggingFaceVictim.from_pretrained(spec, **kwargs)
    if "/" not in spec:
        names = victim_names()
        import difflib

        if difflib.get_close_matches(spec, names, n=1, cutoff=0.6):
            raise UnknownNameError("victim", spec, names)
        try:
            return HuggingFaceVictim.from_pretrained(spec, **kwargs)
        except ResourceNotFoundError as exc:
            tried = [f"registered victim names ({', '.join(names) or 'none'}): no victim named {spec!r}", *exc.tried]
            raise ResourceNotFoundError(exc.resource, tried, exc.install) from exc
    return HuggingFaceVictim.from_pretrained(spec, **kwargs)
