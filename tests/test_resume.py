"""Resume: an interrupted run, started again on the same folder, ends exactly like an uninterrupted one."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from attack_recipe.errors import UsageError
from attack_recipe.evaluation.harness import run_dataset
from attack_recipe.resources.datasets import Example
from attack_recipe.testing import SENTIMENT_EXAMPLES, KeywordSentimentVictim
from attack_recipe.testing.attacks import character_attack as make_attack

EXAMPLES = [Example(f"ex{i:03d}", text, label) for i, (text, label) in enumerate(SENTIMENT_EXAMPLES * 3)]


def lines_without_timings(path):
    out = []
    for line in path.read_text().splitlines():
        d = json.loads(line)
        d.pop("seconds")
        out.append(d)
    return out


def run(out, examples=EXAMPLES, **kw):
    info = {"recipe": "chars", "model": "toy", "dataset": "toy", "split": "all", "offset": 0}
    return run_dataset(make_attack(), KeywordSentimentVictim(), examples, out_dir=out, seed=3, run_info=info, **kw)


def test_interrupted_run_resumes_to_the_uninterrupted_result(tmp_path):
    run(tmp_path / "ref")
    seen = []

    def stop_after_four(result):
        seen.append(result)
        if len(seen) == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(tmp_path / "cut", on_result=stop_after_four)
    assert len((tmp_path / "cut" / "results.jsonl").read_text().splitlines()) == 4
    outcome = run(tmp_path / "cut")
    assert len(outcome.results) == len(EXAMPLES)
    assert lines_without_timings(tmp_path / "cut" / "results.jsonl") == lines_without_timings(tmp_path / "ref" / "results.jsonl")


def test_truncated_last_line_is_dropped_and_redone(tmp_path):
    run(tmp_path / "ref")
    run(tmp_path / "cut", examples=EXAMPLES[:5])
    with open(tmp_path / "cut" / "results.jsonl", "a") as fh:
        fh.write('{"schema_version": 1, "example_id": "ex005", "orig')  # a kill in mid-write
    run(tmp_path / "cut")
    assert lines_without_timings(tmp_path / "cut" / "results.jsonl") == lines_without_timings(tmp_path / "ref" / "results.jsonl")


def test_a_different_configuration_is_refused(tmp_path):
    run(tmp_path, examples=EXAMPLES[:3])
    info = {"recipe": "chars", "model": "toy", "dataset": "toy", "split": "all", "offset": 0}
    with pytest.raises(UsageError, match=r"seed: 3 there, 4 now.*refusing to mix"):
        run_dataset(make_attack(), KeywordSentimentVictim(), EXAMPLES, out_dir=tmp_path, seed=4, run_info=info)
    (tmp_path / "run.json").unlink()
    with pytest.raises(UsageError, match="configuration that wrote it is unknown"):
        run(tmp_path)
    assert len(run(tmp_path, overwrite=True).results) == len(EXAMPLES)


SCRIPT = textwrap.dedent("""
    import sys
    from attack_recipe.evaluation.harness import run_dataset
    from attack_recipe.resources.datasets import Example
    from attack_recipe.testing import SENTIMENT_EXAMPLES
    from attack_recipe.testing.attacks import character_attack
    from attack_recipe.testing.victims import SlowKeywordSentimentVictim
    examples = [Example(f"ex{i:03d}", t, y) for i, (t, y) in enumerate(SENTIMENT_EXAMPLES * 8)]
    info = {"recipe": "chars", "model": "toy", "dataset": "toy", "split": "all", "offset": 0}
    run_dataset(character_attack(), SlowKeywordSentimentVictim(delay=0.004), examples, out_dir=sys.argv[1],
                seed=3, run_info=info)
""")


def test_kill_9_at_random_moments_then_resume(tmp_path):
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    ref, cut = tmp_path / "ref", tmp_path / "cut"
    subprocess.run([sys.executable, str(script), str(ref)], check=True, timeout=120)
    total = len((ref / "results.jsonl").read_text().splitlines())
    for kills in range(3):
        proc = subprocess.Popen([sys.executable, str(script), str(cut)])
        deadline = time.time() + 60
        results = cut / "results.jsonl"
        target = (kills + 1) * total // 4
        while time.time() < deadline and proc.poll() is None:
            if results.exists() and results.read_text().count("\n") >= target:
                break
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    subprocess.run([sys.executable, str(script), str(cut)], check=True, timeout=120)
    assert lines_without_timings(cut / "results.jsonl") == lines_without_timings(ref / "results.jsonl")
