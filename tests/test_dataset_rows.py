"""One bad row of a local dataset costs that row, not the file; ids come from the file's id column.

Bad rows (malformed JSON lines, invalid UTF-8 bytes, texts that are JSON objects) keep their place as
examples with ``problem`` set; the harness records them as errors without asking the victim, and the
good rows are attacked. Empty slices warn, and a run refuses them (usage error, exit 2).
"""

from __future__ import annotations

import json
import logging

import pytest
from click.testing import CliRunner

from attack_recipe.attacks.results import Status
from attack_recipe.cli import main
from attack_recipe.errors import DatasetError
from attack_recipe.evaluation.harness import run_dataset
from attack_recipe.resources.datasets import Example, load_dataset_examples
from attack_recipe.testing import KeywordSentimentVictim
from attack_recipe.testing.attacks import character_attack

GOOD = '{"text": "The movie was good and the actors were great.", "label": 1}'
BAD_JSON = '{"text": "oops", "label": '


def _write(path, content: bytes | str):
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_malformed_jsonl_line_is_one_bad_row_with_its_line_number(tmp_path, caplog):
    path = _write(tmp_path / "d.jsonl", "\n".join([GOOD, BAD_JSON, "", GOOD, "[1, 2]", '"just text"']) + "\n")
    with caplog.at_level(logging.WARNING, logger="attack_recipe"):
        loaded = load_dataset_examples(str(path))
    assert [e.problem is None for e in loaded.examples] == [True, False, True, False, False]
    assert loaded.examples[1].problem.startswith("line 2: not valid JSON: Expecting value (column 27)")
    assert loaded.examples[3].problem == "line 5: a JSON list, expected an object with a text and a label field"
    assert loaded.examples[4].problem.startswith("line 6: a JSON string")
    assert [e.id for e in loaded.examples] == [f"d-all-0000{i}" for i in range(5)]  # positions, bad rows too
    assert "3 of 5 rows cannot be read" in caplog.text and "line 2: not valid JSON" in caplog.text


def test_invalid_utf8_byte_in_csv_is_one_bad_row(tmp_path):
    path = _write(tmp_path / "d.csv", b'text,label\ngood day,1\n"caf\xff au lait",0\nbad day,0\n')
    loaded = load_dataset_examples(str(path))
    assert [e.text for e in loaded.examples] == ["good day", "", "bad day"]
    assert loaded.examples[1].problem == "line 3: invalid UTF-8 byte 0xff at column 5"
    assert loaded.examples[1].label == "" and loaded.examples[2].label == 0


def test_invalid_byte_on_a_later_line_of_a_quoted_csv_record(tmp_path):
    path = _write(tmp_path / "d.csv", b'text,label\n"two\nlines \xfe here",1\nfine,0\n')
    loaded = load_dataset_examples(str(path))
    assert loaded.examples[0].problem == "line 2: invalid UTF-8 byte 0xfe at line 3, column 7"
    assert loaded.examples[1].text == "fine" and loaded.examples[1].problem is None


def test_invalid_utf8_byte_in_jsonl_and_latin1_hint(tmp_path, caplog):
    path = _write(tmp_path / "d.jsonl", (GOOD + "\n").encode() + '{"text": "café", "label": 0}\n'.encode("latin-1"))
    with caplog.at_level(logging.WARNING, logger="attack_recipe"):
        loaded = load_dataset_examples(str(path))
    assert loaded.examples[1].problem == "line 2: invalid UTF-8 byte 0xe9 at column 14"
    assert "re-save it as UTF-8" in caplog.text


def test_csv_record_the_parser_rejects_is_one_bad_row(tmp_path):
    huge = "x" * 200_000  # over the csv module's field size limit
    path = _write(tmp_path / "d.csv", f"text,label\n{huge},1\nfine,0\n")
    loaded = load_dataset_examples(str(path))
    assert loaded.examples[0].problem == "line 2: cannot parse as CSV: field larger than field limit (131072)"
    assert (loaded.examples[1].text, loaded.examples[1].problem) == ("fine", None)


def test_text_that_is_a_json_object_is_a_bad_row(tmp_path):
    path = _write(tmp_path / "d.jsonl", GOOD + '\n{"text": {"en": "hi"}, "label": 1}\n')
    loaded = load_dataset_examples(str(path))
    assert loaded.examples[1].problem == "line 2: text ('text') is a JSON object, expected a string or a number"


def test_json_list_items_that_are_not_objects_are_bad_rows(tmp_path):
    path = _write(tmp_path / "d.json", json.dumps([{"text": "a", "label": 1}, 7, {"text": "b", "label": 0}]))
    loaded = load_dataset_examples(str(path))
    assert [e.problem for e in loaded.examples] == [None, "item 1: a JSON number, expected an object with a text "
                                                           "and a label field", None]


def test_a_file_of_only_bad_rows_is_refused(tmp_path):
    path = _write(tmp_path / "d.jsonl", BAD_JSON + "\n" + BAD_JSON + "\n")
    with pytest.raises(DatasetError, match=r"none of its 2 rows could be read \(first: line 1: not valid JSON"):
        load_dataset_examples(str(path))


def test_line_separators_inside_a_json_text_do_not_split_the_line(tmp_path):
    text = "one\u2028two\x85three\x1cfour"
    path = _write(tmp_path / "d.jsonl", json.dumps({"text": text, "label": 1}, ensure_ascii=False) + "\n")
    assert [e.text for e in load_dataset_examples(str(path)).examples] == [text]


# -- ids -------------------------------------------------------------------------------------

def test_id_column_is_honoured_and_bad_rows_keep_position_ids(tmp_path):
    path = _write(tmp_path / "d.csv", b'id,text,label\nr-1,good,1\nr-2,"bad \xff",0\nr-3,fine,1\n')
    loaded = load_dataset_examples(str(path), offset=1)
    assert [e.id for e in loaded.examples] == ["d-all-00001", "r-3"]
    assert loaded.total == 3


def test_configurable_id_column_and_a_missing_id_cell(tmp_path):
    path = _write(tmp_path / "d.jsonl", '{"key": 10, "text": "a", "label": 1}\n{"text": "b", "label": 0}\n'
                                        '{"key": 12, "text": "c", "label": 0}\n')
    loaded = load_dataset_examples(str(path), id_column="key")
    assert [e.id for e in loaded.examples] == ["10", "d-all-00001", "12"]
    assert loaded.examples[1].problem == "line 2: no id in column 'key'"
    with pytest.raises(DatasetError, match="no id column 'nope'"):
        load_dataset_examples(str(path), id_column="nope")


def test_duplicate_ids_name_the_id_and_both_lines(tmp_path):
    path = _write(tmp_path / "d.csv", "ID,text,label\na,x,1\nb,y,0\na,z,1\n")
    with pytest.raises(DatasetError, match=r"duplicate id 'a' at line 2 and line 4"):
        load_dataset_examples(str(path))


# -- empty slices ----------------------------------------------------------------------------

def test_header_only_csv_and_offset_past_the_end_warn(tmp_path, caplog):
    header_only = _write(tmp_path / "h.csv", "text,label\n")
    two = _write(tmp_path / "two.csv", "text,label\na,1\nb,0\n")
    with caplog.at_level(logging.WARNING, logger="attack_recipe"):
        assert len(load_dataset_examples(str(header_only))) == 0
        assert len(load_dataset_examples(str(two), offset=5)) == 0
    assert "dataset 'h' (split 'all') has no examples" in caplog.text
    assert "offset 5 is past the end of dataset 'two' (split 'all'), which has 2 examples" in caplog.text


@pytest.mark.parametrize("content, args, message", [
    ("text,label\n", [], "nothing to attack: dataset 'd' (split 'test') has no examples"),
    ("text,label\na good day,1\n", ["--offset", "3"], "nothing to attack: offset 3 is past the end"),
])
def test_cli_refuses_an_empty_slice_as_a_usage_error(tmp_path, content, args, message):
    path = _write(tmp_path / "d.csv", content)
    result = CliRunner().invoke(main, ["run", "--recipe", "deepwordbug", "--model", "toy-sentiment",
                                       "--dataset", str(path), *args, "--out", str(tmp_path / "run")])
    assert result.exit_code == 2, result.output
    assert message in result.output and not (tmp_path / "run").exists()


# -- through the harness and the CLI ---------------------------------------------------------

class CountingVictim(KeywordSentimentVictim):
    """Records every text it is asked about."""

    def __init__(self):
        super().__init__()
        self.seen: list[str] = []

    def _predict(self, texts):
        self.seen.extend(texts)
        return super()._predict(texts)


def test_harness_records_a_bad_row_as_an_error_without_asking_the_victim(tmp_path):
    victim = CountingVictim()
    examples = [Example("b", "", "", problem="line 3: not valid JSON: Expecting value (column 1)"),
                Example("a", "The movie was good and the actors were great.", 1)]
    outcome = run_dataset(character_attack(), victim, examples[:1], out_dir=tmp_path / "bad")
    bad = outcome.results[0]
    assert bad.status is Status.ERROR and bad.reason == "input error" and bad.label == -1
    assert bad.error == "InputError: line 3: not valid JSON: Expecting value (column 1)"
    assert bad.queries == 0 and victim.seen == []
    outcome = run_dataset(character_attack(), victim, examples, out_dir=tmp_path / "both")
    assert [r.status for r in outcome.results] == [Status.ERROR, Status.SUCCEEDED]


def test_cli_attacks_the_good_rows_and_resumes_over_a_bad_one(tmp_path):
    lines = [GOOD, BAD_JSON, '{"text": "I hate waiting, the staff was rude.", "label": 0}',
             '{"text": "What a wonderful day, I am so happy.", "label": 1}']
    path = _write(tmp_path / "d.jsonl", "\n".join(lines) + "\n")
    out = tmp_path / "run"
    args = ["run", "--recipe", "deepwordbug", "--model", "toy-sentiment", "--dataset", str(path), "--out", str(out)]
    first = CliRunner().invoke(main, [*args, "--num-examples", "2"])
    assert first.exit_code == 0, first.output
    assert "1 of 4 rows cannot be read" in first.output
    resumed = CliRunner().invoke(main, [*args, "--num-examples", "4"])
    assert resumed.exit_code == 0, resumed.output
    results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [r["example_id"] for r in results] == [f"d-test-0000{i}" for i in range(4)]  # --split labels a file
    assert [r["status"] for r in results].count("error") == 1
    assert results[1]["error"].startswith("InputError: line 2: not valid JSON")
    assert json.loads((out / "summary.json").read_text())["errors"] == 1


def test_a_baseline_pins_the_id_column_so_check_reruns_the_same_examples(tmp_path):
    path = _write(tmp_path / "d.jsonl", '{"key": "k1", "text": "The movie was good and the actors were great.", '
                                        '"label": 1}\n{"key": "k2", "text": "I hate waiting.", "label": 0}\n')
    baseline = tmp_path / "baseline.json"
    recorded = CliRunner().invoke(main, ["baseline", "--recipe", "deepwordbug", "--model", "toy-sentiment",
                                         "--dataset", str(path), "--id-column", "key", "--baseline", str(baseline),
                                         "--out", str(tmp_path / "b")])
    assert recorded.exit_code == 0, recorded.output
    assert json.loads(baseline.read_text())["config"]["id_column"] == "key"
    checked = CliRunner().invoke(main, ["check", "--baseline", str(baseline), "--out", str(tmp_path / "c")])
    assert checked.exit_code == 0, checked.output
    ids = [json.loads(line)["example_id"] for line in (tmp_path / "c" / "results.jsonl").read_text().splitlines()]
    assert ids == ["k1", "k2"]
