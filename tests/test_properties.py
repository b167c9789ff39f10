"""Property-based tests: arbitrary unicode through the text model, the dataset readers and an attack.

Hypothesis generates text with control characters, RTL scripts, combining marks, line separators,
very long and empty strings (never lone surrogates, which are not text). What must hold:

* ``AttackedText`` splits any text into words and separators that join back to the same text, and its
  edits keep that grid;
* a CSV / TSV / JSONL / JSON file written from arbitrary rows reads back the same texts, labels and
  ids; arbitrary *bytes* under a dataset suffix either load or raise :class:`DatasetError`;
* ``Attack.run`` on a toy victim returns a result or raises :class:`InputError`, and the harness
  turns every input into exactly one result.

Each property is bounded (``max_examples``) so the file runs in seconds.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attack_recipe.attacks.results import Status
from attack_recipe.core.text import WORD_PATTERN, AttackedText, word_spans
from attack_recipe.errors import DatasetError, InputError
from attack_recipe.evaluation.harness import run_dataset
from attack_recipe.resources.datasets import Example, load_dataset_examples
from attack_recipe.testing import KeywordSentimentVictim
from attack_recipe.testing.attacks import character_attack

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

#: scripts and marks that break naive tokenisers: Hebrew and Arabic (RTL), combining marks, controls,
#: line and paragraph separators, zero-width and bidi controls
_SPECIAL = st.sampled_from(
    list("שלום עולם مرحبا بالعالم") + ["\u0301", "\u0308", "\u200b", "\u200d", "\u202e", "\u2066", "\u2028",
                                      "\u2029", "\x85", "\x1c", "\x0b", "\x0c", "\r", "\n", "\t", "\x00", "\x7f",
                                      "\ufeff", "'", "-", "’", "@", "#", "http://x.y/z", "a@b.co", "don't",
                                      "well-known", "ﬁ", "İ", "ß", "😀", "👍🏽"]
)
_WORDISH = st.sampled_from(["good", "bad", "awful", "great", "the", "movie", "not", "café", "naïve", "x"])
TEXT = st.one_of(
    st.text(),  # any unicode except surrogates
    st.lists(st.one_of(_SPECIAL, _WORDISH, st.sampled_from([" ", "  ", ", ", ". "])), max_size=40).map("".join),
    st.lists(st.one_of(_WORDISH, _SPECIAL, st.text(max_size=3)), max_size=60).map(" ".join),
    st.just(""),
)
LONG_TEXT = st.integers(min_value=1, max_value=3).map(lambda k: " ".join(["good", "день", "שלום"] * (300 * k)))


# -- AttackedText ------------------------------------------------------------------------------

@FAST
@given(st.one_of(TEXT, LONG_TEXT))
def test_attacked_text_round_trips_any_text(text):
    at = AttackedText(text)
    assert at.text == text
    assert len(at.separators) == at.num_words + 1
    assert all(WORD_PATTERN.fullmatch(w) for w in at.words)
    assert [text[s:e] for s, e in word_spans(at)] == list(at.words)
    assert AttackedText(at.words, at.separators).text == text


@FAST
@given(TEXT, st.data())
def test_edits_keep_the_word_grid(text, data):
    at = AttackedText(text)
    if at.num_words == 0:
        return
    i = data.draw(st.integers(0, at.num_words - 1))
    replacement = data.draw(st.one_of(_WORDISH, st.text(min_size=1, max_size=8)))
    edited = at.replace_word(i, replacement)
    start, end = word_spans(at)[i]
    assert edited.text == text[:start] + replacement + text[end:]
    assert edited.modified_indices == (frozenset({i}) if replacement != at.words[i] else frozenset())
    assert edited.original.text == text and edited.previous is at
    # replace_word builds its child without __init__: every slot as __init__ would set it, also after a rewrite
    rewritten = at.rewrite(data.draw(TEXT))
    for parent in (at, rewritten) if rewritten.num_words else (at,):
        child = parent.replace_word(0, replacement)
        built = AttackedText(child.words, parent.separators, base_words=parent.base_words,
                             newly_modified=(0,), parent=parent)
        assert {s: getattr(child, s) for s in AttackedText.__slots__} == {
            s: getattr(built, s) for s in AttackedText.__slots__}
    # a second edit (and back): the spliced text, the updated modified set and word offsets equal a fresh build's
    j = data.draw(st.integers(0, at.num_words - 1))
    for twice in (edited.replace_word(j, data.draw(_WORDISH)), edited.replace_word(i, at.words[i])):
        joined = AttackedText(twice.words, twice.separators, base_words=twice.base_words)
        assert twice.text == joined.text
        assert twice.modified_indices == joined.modified_indices
        assert twice.word_starts == joined.word_starts  # shifted from the parent's, not recounted
    AttackedText(at.without_word(i))  # any remainder is a text again
    size = data.draw(st.integers(1, 20))
    assert isinstance(at.window(i, size), str)
    assert rewritten.original.text == text


# -- dataset readers ---------------------------------------------------------------------------

ROWS = st.lists(st.tuples(TEXT, st.sampled_from([0, 1, 2])), min_size=1, max_size=8)


def _csv_bytes(rows, delimiter=",", with_ids=False) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["id", "text", "label"] if with_ids else ["text", "label"])
    for i, (text, label) in enumerate(rows):
        writer.writerow([f"row-{i}", text, label] if with_ids else [text, label])
    return buffer.getvalue().encode("utf-8")


@FAST
@given(ROWS, st.sampled_from([",", "\t"]), st.booleans())
def test_delimited_files_read_back_what_was_written(tmp_path_factory, rows, delimiter, with_ids):
    path = tmp_path_factory.mktemp("csv") / ("d.csv" if delimiter == "," else "d.tsv")
    path.write_bytes(_csv_bytes(rows, delimiter, with_ids))
    try:
        loaded = load_dataset_examples(str(path))
    except DatasetError:  # every row blank: nothing readable, the whole file is refused
        assert all(not t.strip() for t, _ in rows)
        return
    assert [e.text for e in loaded.examples] == [t for t, _ in rows]
    # a blank text is a bad row (with its line), every other row reads back as written
    assert [(e.label, e.problem) for e in loaded.examples if e.text.strip()] == [(y, None) for t, y in rows if t.strip()]
    assert all(e.problem and "is empty" in e.problem for e in loaded.examples if not e.text.strip())
    expected_ids = [f"row-{i}" if with_ids else f"d-all-{i:05d}" for i in range(len(rows))]
    assert [e.id for e in loaded.examples] == expected_ids


@FAST
@given(ROWS, st.booleans(), st.sampled_from(["jsonl", "json-lines", "json-list"]))
def test_json_files_read_back_what_was_written(tmp_path_factory, rows, ascii_only, layout):
    records = [{"id": i, "text": t, "label": y} for i, (t, y) in enumerate(rows)]
    if layout == "json-list":
        name, content = "d.json", json.dumps(records, ensure_ascii=ascii_only)
    else:
        name = "d.jsonl" if layout == "jsonl" else "d.json"
        content = "\n".join(json.dumps(r, ensure_ascii=ascii_only) for r in records) + "\n"
    path = tmp_path_factory.mktemp("json") / name
    path.write_text(content, encoding="utf-8")
    try:
        loaded = load_dataset_examples(str(path))
    except DatasetError:  # every row blank
        assert all(not t.strip() for t, _ in rows)
        return
    assert [(e.id, e.text, e.label, e.problem) for e in loaded.examples if e.text.strip()] == \
        [(str(i), t, y, None) for i, (t, y) in enumerate(rows) if t.strip()]
    assert all(e.problem for e in loaded.examples if not e.text.strip())


@FAST
@given(st.binary(max_size=400), st.sampled_from(["d.csv", "d.tsv", "d.jsonl", "d.json"]),
       st.sampled_from([b"", b"text,label\n", b'{"text": "a good day", "label": 1}\n']))
def test_arbitrary_bytes_load_or_raise_a_dataset_error(tmp_path_factory, data, name, prefix):
    path = tmp_path_factory.mktemp("bytes") / name
    path.write_bytes(prefix + data)
    try:
        loaded = load_dataset_examples(str(path))
    except DatasetError:
        return
    for example in loaded.examples:
        assert isinstance(example.id, str) and isinstance(example.text, str)
        assert example.problem is None or example.problem.startswith(("line ", "item "))


# -- attacks and the harness -------------------------------------------------------------------

LABELS = st.sampled_from([0, 1, "positive", "NEGATIVE", "neutral", 2, -1, "1", ""])


@FAST
@given(st.one_of(TEXT, LONG_TEXT), LABELS)
def test_attack_returns_a_result_or_raises_input_error(text, label):
    victim = KeywordSentimentVictim()
    try:
        result = character_attack().run(victim, text, label, example_id="p", query_budget=60)
    except InputError:
        return
    assert result.status in (Status.SUCCEEDED, Status.FAILED, Status.SKIPPED)
    assert result.original_text == text
    if result.perturbed_text is not None:
        assert isinstance(result.perturbed_text, str)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(TEXT, LABELS), min_size=1, max_size=4))
def test_harness_gives_every_example_one_result(pairs):
    examples = [Example(f"e{i}", t, y) for i, (t, y) in enumerate(pairs)]
    outcome = run_dataset(character_attack(), KeywordSentimentVictim(), examples, query_budget=40)
    assert [r.example_id for r in outcome.results] == [e.id for e in examples]
    for result, example in zip(outcome.results, examples):
        if result.status is Status.ERROR:
            assert result.reason == "input error", result.error


def test_text_longer_than_the_attack_accepts_is_an_input_error():
    with pytest.raises(InputError, match="at most 512"):
        character_attack().run(KeywordSentimentVictim(), "good " * 600, 1)
