"""Control characters in dataset text are shown as escapes, never obeyed: console diffs, log lines
and report.html (the stored results keep the text exactly)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from attack_recipe.cli import main
from attack_recipe.evaluation.display import visible

HOSTILE = "\x1b]0;pwned\x07The movie was good\x1b[2J and the actors were great.\x00\r\u202e"


def test_visible_escapes_controls_and_keeps_layout():
    assert visible("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert visible("x\x00y\x7f\u202ez") == "x\\x00y\\x7f\\u202ez"
    assert visible("line one\nline\ttwo") == "line one\nline\ttwo"
    assert visible("café 😀 ‍") == "café 😀 ‍"  # printable unicode and joiners untouched


def test_console_and_report_never_carry_raw_escapes(tmp_path):
    data = tmp_path / "hostile.jsonl"
    rows = [{"text": HOSTILE, "label": 1, "id": "x\x1b[31mred"}, {"text": "The food was great.", "label": 1}]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "run"
    result = CliRunner().invoke(main, ["run", "--recipe", "deepwordbug", "--model", "toy-sentiment",
                                       "--dataset", str(data), "--no-judge", "--no-validity", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "example" in result.output and "\\x1b" in result.output  # the diff was shown, escaped
    for raw in ("\x1b", "\x00", "\x07", "\r", "\u202e"):
        assert raw not in result.output
    page = (out / "report.html").read_text(encoding="utf-8")
    for raw in ("\x1b", "\x00", "\x07", "\u202e"):
        assert raw not in page
    assert "\\x1b[2J" in page
    stored = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert stored[0]["original_text"] == HOSTILE  # the data itself is kept as it was
