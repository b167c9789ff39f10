"""One run per output folder: a second run, in a real second process, is refused while the first
holds the folder, and a killed owner leaves no stale lock."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from click.testing import CliRunner

from attack_recipe.cli import main
from attack_recipe.evaluation.run_lock import LOCK_FILE, RunFolderBusyError, RunFolderLock

SCRIPT = textwrap.dedent("""
    import sys
    from attack_recipe.evaluation.harness import run_dataset
    from attack_recipe.resources.datasets import Example
    from attack_recipe.testing import SENTIMENT_EXAMPLES
    from attack_recipe.testing.attacks import character_attack
    from attack_recipe.testing.victims import SlowKeywordSentimentVictim

    examples = [Example(f"ex{i:03d}", t, y) for i, (t, y) in enumerate(SENTIMENT_EXAMPLES * 20)]
    run_dataset(character_attack(), SlowKeywordSentimentVictim(delay=0.05), examples, out_dir=sys.argv[1],
                run_info={"recipe": "chars", "model": "toy", "dataset": "toy"})
""")



def _start_owner(tmp_path, out):
    script = tmp_path / "owner.py"
    script.write_text(SCRIPT)
    proc = subprocess.Popen([sys.executable, str(script), str(out)])
    deadline = time.time() + 90
    while time.time() < deadline and proc.poll() is None:
        lock = out / LOCK_FILE
        if lock.exists() and lock.read_text().startswith("pid") and (out / "results.jsonl").exists() \
                and (out / "results.jsonl").read_text().count("\n") >= 1:
            return proc
        time.sleep(0.05)
    proc.kill()
    pytest.fail("the owner process never took the lock")


def test_second_process_is_refused_then_a_killed_owner_leaves_no_stale_lock(tmp_path, data_csv):
    out = tmp_path / "run"
    owner = _start_owner(tmp_path, out)
    try:
        refused = CliRunner().invoke(main, ["run", "--recipe", "deepwordbug", "--model", "toy-sentiment",
                                            "--dataset", str(data_csv), "--num-examples", "3", "--no-judge",
                                            "--no-validity", "--out", str(out), "--overwrite"])
        assert refused.exit_code == 1, refused.output
        assert "in use by another run" in refused.output and f"pid {owner.pid}" in refused.output
        assert owner.poll() is None  # the owner goes on, its results untouched by the refused run
        with pytest.raises(RunFolderBusyError):
            RunFolderLock(out).acquire()
    finally:
        owner.send_signal(signal.SIGKILL)
        owner.wait()
    lines = (out / "results.jsonl").read_text().split("\n")[:-1]  # complete lines; a kill may cut the last
    assert lines and all(json.loads(line)["example_id"].startswith("ex") for line in lines)  # the owner's only
    # the flock died with its process: a new run takes the folder at once
    ok = CliRunner().invoke(main, ["run", "--recipe", "deepwordbug", "--model", "toy-sentiment",
                                   "--dataset", str(data_csv), "--num-examples", "3", "--no-judge",
                                   "--no-validity", "--out", str(out), "--overwrite", "-q"])
    assert ok.exit_code == 0, ok.output
    assert len((out / "results.jsonl").read_text().splitlines()) == 3


def test_lock_is_released_after_a_run_and_names_nobody(tmp_path):
    with RunFolderLock(tmp_path / "f") as lock:
        assert lock.path.read_text().startswith("pid ")
    assert (tmp_path / "f" / LOCK_FILE).read_text() == ""
    RunFolderLock(tmp_path / "f").acquire().release()  # free again


def test_result_files_follow_the_umask(tmp_path, data_csv):
    out = tmp_path / "run"
    result = CliRunner().invoke(main, ["run", "--recipe", "deepwordbug", "--model", "toy-sentiment",
                                       "--dataset", str(data_csv), "--num-examples", "2", "--no-judge",
                                       "--no-validity", "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    modes = {p.name: p.stat().st_mode & 0o777 for p in out.iterdir() if not p.name.startswith(".")}
    assert len(set(modes.values())) == 1, modes  # run.json and summary.json as readable as results.jsonl


def test_corrupt_run_json_names_the_file_and_the_way_out(tmp_path, data_csv):
    out = tmp_path / "run"
    args = ["run", "--recipe", "deepwordbug", "--model", "toy-sentiment", "--dataset", str(data_csv),
            "--num-examples", "2", "--no-judge", "--no-validity", "--out", str(out), "-q"]
    assert CliRunner().invoke(main, args).exit_code == 0
    (out / "run.json").write_text("{not json")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "run.json" in result.output and "--overwrite" in result.output
