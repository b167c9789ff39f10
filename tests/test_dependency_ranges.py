"""setup.cfg's dependency ranges and requirements/constraints.txt agree.

Why: ``make`` installs with the constraints file, a pip user without it (issue 14). A pin outside its
declared range means the tested set is not what pip users can get; scripts/check_pip_install.sh checks
that the ranges alone resolve without backtracking.
"""

from __future__ import annotations

import configparser
import pathlib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _declared() -> list[Requirement]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = cfg["options"]["install_requires"].splitlines()
    for extra in cfg["options.extras_require"].values():
        lines += extra.splitlines()
    return [Requirement(line.strip()) for line in lines if line.strip() and not line.strip().startswith("#")]


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


def test_every_pin_lies_inside_its_declared_range():
    pins = _pins()
    outside = [f"{req} vs =={pins[canonicalize_name(req.name)]}" for req in _declared()
               if canonicalize_name(req.name) in pins
               and not req.specifier.contains(pins[canonicalize_name(req.name)], prereleases=True)]
    assert not outside, "constraints.txt pins outside setup.cfg's ranges: " + "; ".join(outside)


def test_core_dependencies_are_pinned_and_bounded_above():
    """Every direct runtime dependency is tested at a pinned version and has an upper bound, so an
    untested major release never becomes pip's first choice."""
    pins = _pins()
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    core = [Requirement(line.strip()) for line in cfg["options"]["install_requires"].splitlines()
            if line.strip() and not line.strip().startswith("#")]
    assert [r.name for r in core if canonicalize_name(r.name) not in pins] == []
    unbounded = [str(r) for r in core if not any(s.operator in ("<", "<=") for s in r.specifier)]
    assert unbounded == []
