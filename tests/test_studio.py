"""The studio (attack_recipe/studio): its JSON API in-process, its limits, the save file, the CLI's
early errors, and the page itself in headless Chromium driven by Playwright.

Everything runs on the tiny victims: the suggestion source is a fixed table (a WordSwap like any
other) and the judge is the tiny judge, so every verdict is one the test can predict
(attack_recipe/testing/judge.py). The browser test is skipped when Chromium is absent, unless
WITH_BROWSER=1 (CI), where it must run.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time

import numpy as np
import pytest

from fastapi.testclient import TestClient

from attack_recipe.attacks.transformations.base import WordSwap, match_case
from attack_recipe.studio.app import MAX_BODY_BYTES, MAX_TEXT_CHARS, create_app
from attack_recipe.studio.engine import Studio
from attack_recipe.testing import BagOfEmbeddingsVictim, KeywordSentimentVictim
from attack_recipe.testing.judge import tiny_judge

#: word -> replacements. For the keyword victim "dreadful" and "dull" carry no weight (score drops),
#: "horrible" weighs as much as "terrible"... and the tiny judge calls terrible -> horrible a synonym.
TABLE = {"terrible": ["horrible", "bad", "dreadful"], "boring": ["dull", "tedious"], "hate": ["dislike", "love"]}

QUEUE_TEXTS = ("The plot was boring and the ending was terrible.", "I hate waiting, the staff was rude.")


class TableSwap(WordSwap):
    """Replacements from a fixed table."""

    def __init__(self, table=None):
        self.table = dict(table or TABLE)

    def replacements(self, word, index, text, rng=None):
        return [match_case(word, w) for w in self.table.get(word.lower(), [])]


def toy_studio(victim=None, **options) -> Studio:
    options.setdefault("judge", tiny_judge())
    options.setdefault("sources", {"table": TableSwap()})
    return Studio(victim or KeywordSentimentVictim(), **options)


def toy_queue(studio):
    from attack_recipe.resources.datasets import Example
    from attack_recipe.studio.queue import flagged_queue

    examples = [Example(f"toy-{i}", text, 0) for i, text in enumerate(QUEUE_TEXTS)]
    return flagged_queue(studio, examples, ("negative", "positive"), 5000)


def toy_app(tmp_path, studio=None, **options):
    studio = studio or toy_studio()
    options.setdefault("allowed_hosts", ("testserver", "127.0.0.1", "localhost"))
    options.setdefault("recipes", ["deepwordbug"])
    options.setdefault("default_recipe", "deepwordbug")
    return create_app(studio, queue=toy_queue(studio), out_path=tmp_path / "saved.jsonl", **options)


@pytest.fixture
def client(tmp_path):
    return TestClient(toy_app(tmp_path))


TEXT = QUEUE_TEXTS[0]


# ---------------------------------------------------------------- the API
def test_score_is_the_victims_probabilities_with_the_decision_boundary(client):
    out = client.post("/api/score", json={"text": TEXT}).json()
    p = KeywordSentimentVictim()([TEXT])[0]
    assert out["probabilities"] == {"negative": pytest.approx(p[0]), "positive": pytest.approx(p[1])}
    assert out["label"] == "negative" and out["unsafe_class"] == "negative"
    assert out["score"] == pytest.approx(p[0]) and out["flagged"] is True
    assert out["threshold"] == 0.5  # no threshold file: the decision boundary of a two-class victim
    happy = client.post("/api/score", json={"text": "What a wonderful day"}).json()
    assert happy["flagged"] is False and happy["label"] == "positive"


def test_a_threshold_file_sets_the_line_and_what_is_flagged(tmp_path):
    path = tmp_path / "threshold.json"
    path.write_text(json.dumps({"threshold": 0.99, "unsafe_class": "negative", "curve": [[0.5, 0.1]]}))
    from attack_recipe.highstakes.threshold_file import read_threshold_file as load_threshold_file

    studio = toy_studio(threshold=load_threshold_file(path))
    client = TestClient(toy_app(tmp_path, studio))
    out = client.post("/api/score", json={"text": TEXT}).json()  # P(negative) = 0.978 < 0.99
    assert out["threshold"] == 0.99 and out["flagged"] is False
    assert client.post("/api/score", json={"text": "terrible awful worst"}).json()["flagged"] is True
    assert "threshold.json" in client.get("/api/info").json()["boundary"]


def test_threshold_file_errors_name_the_problem(tmp_path):
    from attack_recipe.errors import UsageError
    from attack_recipe.highstakes.threshold_file import read_threshold_file as load_threshold_file

    bad = tmp_path / "t.json"
    for content, message in [("{", "not valid JSON"), ("[1]", "JSON object"),
                             ('{"threshold": 0.2}', "lacks 'unsafe_class'"),
                             ('{"threshold": 2, "unsafe_class": "negative"}', "probability"),
                             ('{"threshold": 0.2, "unsafe_class": ""}', "class name")]:
        bad.write_text(content)
        with pytest.raises(UsageError, match=message):
            load_threshold_file(bad)
    with pytest.raises(UsageError, match="does not exist"):
        load_threshold_file(tmp_path / "missing.json")
    bad.write_text('{"threshold": 0.2, "unsafe_class": "toxic"}')
    with pytest.raises(UsageError, match="not one of the victim's classes"):
        toy_studio(threshold=load_threshold_file(bad))


def test_unsafe_class_defaults_to_negative_else_class_one():
    from attack_recipe.studio.engine import resolve_unsafe_class

    assert resolve_unsafe_class(("positive", "negative"), None, None) == 1
    assert resolve_unsafe_class(("negative", "positive"), None, None) == 0
    assert resolve_unsafe_class(("clean", "toxic"), None, None) == 1
    assert resolve_unsafe_class(("clean", "toxic"), None, "CLEAN") == 0


def test_queue_holds_flagged_examples_of_the_unsafe_class(client):
    queue = client.get("/api/queue").json()["examples"]
    assert [e["text"] for e in queue] == list(QUEUE_TEXTS)
    studio = toy_studio()
    from attack_recipe.resources.datasets import Example
    from attack_recipe.studio.queue import flagged_queue

    examples = [Example("a", "I love it, great", 1), Example("b", "terrible and awful", 1),  # positive label
                Example("c", "terrible and awful", 0), Example("d", "fine, good, happy", 0)]  # d: not flagged
    assert [e["id"] for e in flagged_queue(studio, examples, ("negative", "positive"), 5000)] == ["c"]


def test_suggestion_scores_are_what_score_says_about_their_text(client):
    out = client.post("/api/suggest", json={"text": TEXT, "word_index": 8, "original": TEXT}).json()
    assert out["word"] == "terrible" and TEXT[out["start"]:out["end"]] == "terrible"
    suggestions = out["suggestions"]
    assert [s["replacement"] for s in suggestions] == ["dreadful", "bad", "horrible"]  # most lowering first
    scores = [s["score"] for s in suggestions]
    assert scores == sorted(scores)
    for s in suggestions:
        assert s["text"] == TEXT.replace("terrible", s["replacement"])
        scored = client.post("/api/score", json={"text": s["text"]}).json()
        assert s["score"] == scored["score"] and s["probabilities"] == scored["probabilities"]
        assert s["delta"] == pytest.approx(s["score"] - out["score"])
        assert s["sources"] == ["table"]
        verdict = tiny_judge().judge(TEXT, s["text"], 0)
        assert s["valid"] is verdict.valid and s["reasons"] == list(verdict.reasons)
    assert [s["valid"] for s in suggestions] == [False, False, True]  # only horrible is a synonym there


def test_every_valid_suggestion_is_listed_past_the_top_ones(tmp_path):
    client = TestClient(toy_app(tmp_path, toy_studio(max_suggestions=1)))
    out = client.post("/api/suggest", json={"text": TEXT, "word_index": 8}).json()["suggestions"]
    assert [(s["replacement"], s["valid"]) for s in out] == [("dreadful", False), ("horrible", True)]


def test_suggestions_are_judged_against_the_original_not_the_current_text(client):
    edited = TEXT.replace("boring", "dull")
    out = client.post("/api/suggest", json={"text": edited, "word_index": 8, "original": TEXT}).json()
    horrible = next(s for s in out["suggestions"] if s["replacement"] == "horrible")
    assert horrible["valid"] is tiny_judge().judge(TEXT, horrible["text"], 0).valid
    assert horrible["reasons"] == list(tiny_judge().judge(TEXT, horrible["text"], 0).reasons)


def test_a_word_without_replacements_and_a_bad_index(client):
    assert client.post("/api/suggest", json={"text": TEXT, "word_index": 0}).json()["suggestions"] == []
    bad = client.post("/api/suggest", json={"text": TEXT, "word_index": 40})
    assert bad.status_code == 400 and "out of range" in bad.json()["error"]


def test_leave_one_out_saliency_for_a_black_box_victim(client):
    out = client.post("/api/saliency", json={"text": TEXT}).json()
    assert out["method"] == "leave-one-out"
    words = out["words"]
    assert [w["word"] for w in words] == TEXT.rstrip(".").split()
    assert all(TEXT[w["start"]:w["end"]] == w["word"] for w in words)
    victim = KeywordSentimentVictim()
    base = victim([TEXT])[0][0]
    from attack_recipe.core.text import AttackedText

    for i, w in enumerate(words):
        assert w["weight"] == pytest.approx(base - victim([AttackedText(TEXT).without_word(i)])[0][0])
    by_weight = sorted(words, key=lambda w: -w["weight"])
    assert {by_weight[0]["word"], by_weight[1]["word"]} == {"terrible", "boring"}
    wrong = client.post("/api/saliency", json={"text": TEXT, "method": "gradient"})
    assert wrong.status_code == 400 and "white-box" in wrong.json()["error"]


def test_gradient_saliency_for_a_white_box_victim(tmp_path):
    victim = BagOfEmbeddingsVictim()
    client = TestClient(toy_app(tmp_path, toy_studio(victim)))
    out = client.post("/api/saliency", json={"text": TEXT}).json()
    assert out["method"] == "gradient"
    grads = victim.word_gradients(TEXT.rstrip(".").split(), 0)
    assert [w["weight"] for w in out["words"]] == pytest.approx(list(np.linalg.norm(grads, axis=1)))
    loo = client.post("/api/saliency", json={"text": TEXT, "method": "leave-one-out"}).json()
    assert loo["method"] == "leave-one-out" and len(loo["words"]) == len(out["words"])


def test_save_appends_the_persons_label_scores_history_and_time(client, tmp_path):
    adversarial = TEXT.replace("boring", "dull").replace("terrible", "dreadful") + " Fine."  # 0 -> +0.6
    history = [{"t": 3.5, "kind": "suggestion", "text": TEXT.replace("terrible", "dreadful"), "word_index": 8,
                "word": "terrible", "replacement": "dreadful", "sources": ["table"], "score": 0.3},
               {"t": 9.0, "kind": "type", "text": adversarial}]
    body = {"example_id": "toy-0", "original": TEXT, "text": adversarial, "label": "negative",
            "history": history, "seconds": 125.0}
    out = client.post("/api/save", json=body).json()
    lines = (tmp_path / "saved.jsonl").read_text().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record == out["record"]
    assert record["original"] == TEXT and record["text"] == adversarial and record["label"] == "negative"
    assert record["seconds"] == 125.0 and record["history"] == history and record["example_id"] == "toy-0"
    assert record["still_unsafe"] is True and record["adversarial"] is True  # it now passes the filter
    p = KeywordSentimentVictim()([TEXT, adversarial])
    assert record["scores"]["original"]["score"] == pytest.approx(p[0][0])
    assert record["scores"]["final"]["score"] == pytest.approx(p[1][0]) and not record["scores"]["final"]["flagged"]
    assert record["verdict"]["valid"] is tiny_judge().judge(TEXT, adversarial, 0).valid
    assert record["saved_at"].endswith("Z") and record["model"] == "toy-sentiment"
    assert out["effort"] == {"saved": 1, "adversarial": 1, "minutes": pytest.approx(125 / 60, abs=0.01),
                             "minutes_per_adversarial": pytest.approx(125 / 60, abs=0.01)}
    # the person says the edit is no longer unsafe: saved, but not adversarial; the effort counts its time
    out = client.post("/api/save", json={**body, "label": "positive", "seconds": 55.0}).json()
    assert out["record"]["adversarial"] is False and out["effort"]["minutes_per_adversarial"] == 3.0
    assert client.get("/api/info").json()["effort"]["saved"] == 2


def test_save_requires_a_class_label_and_the_effort_survives_a_restart(client, tmp_path):
    body = {"original": TEXT, "text": TEXT, "label": "unsafe-ish", "history": [], "seconds": 1}
    out = client.post("/api/save", json=body)
    assert out.status_code == 400 and "not one of the victim's classes" in out.json()["error"]
    missing = client.post("/api/save", json={k: v for k, v in body.items() if k != "label"})
    assert missing.status_code == 422 and "label" in missing.json()["error"]
    client.post("/api/save", json={**body, "label": "negative"})
    with (tmp_path / "saved.jsonl").open("a") as fh:
        fh.write('{"schema": "attack-recipe.studio/1", "text": "cut sh')  # a write cut short
    again = TestClient(toy_app(tmp_path))
    assert again.get("/api/info").json()["effort"]["saved"] == 1  # the broken line is skipped
    again.post("/api/save", json={**body, "label": "negative"})
    lines = (tmp_path / "saved.jsonl").read_text().splitlines()
    assert len(lines) == 3 and lines[1].endswith("cut sh")  # kept, and the new record on a line of its own
    assert again.get("/api/info").json()["effort"]["saved"] == 2


def test_finish_it_runs_a_recipe_from_the_current_text_and_returns_a_diff(client):
    text = "The plot was terrible but the actors were good."  # one typo in "terrible" flips the toy
    out = client.post("/api/finish", json={"text": text, "recipe": "deepwordbug", "original": TEXT}).json()
    assert out["status"] == "succeeded" and out["recipe"] == "deepwordbug"
    assert out["text"] != text and out["score"]["flagged"] is False
    assert "".join(seg["text"] for seg in out["diff"] if seg["kind"] != "del") == out["text"]
    assert {seg["kind"] for seg in out["diff"]} >= {"same", "del", "ins"}
    assert out["score"] == client.post("/api/score", json={"text": out["text"]}).json()
    assert out["valid"] is tiny_judge().judge(TEXT, out["text"], 0).valid  # against the example's original
    assert out["queries"] <= 2000 and out["time_limit"] == 60.0
    unknown = client.post("/api/finish", json={"text": TEXT, "recipe": "textfooler"})
    assert unknown.status_code == 400 and "deepwordbug" in unknown.json()["error"]


# ---------------------------------------------------------------- limits and refusals
def test_an_oversized_body_gets_413(client):
    big = {"text": "a" * (MAX_BODY_BYTES + 10)}
    out = client.post("/api/score", json=big)
    assert out.status_code == 413 and "limit" in out.json()["error"]

    def chunks():  # no Content-Length: the limit is counted on what arrives
        for _ in range(MAX_BODY_BYTES // 1000 + 2):
            yield b" " * 1000

    out = client.post("/api/score", content=chunks(), headers={"Content-Type": "application/json"})
    assert out.status_code == 413 and out.json()["error"]


def test_texts_are_capped_in_length(client):
    out = client.post("/api/score", json={"text": "a " * MAX_TEXT_CHARS})
    assert out.status_code == 422 and "text" in out.json()["error"] and str(MAX_TEXT_CHARS) in out.json()["error"]


@pytest.mark.parametrize("field,value", [("model", "bert-base-uncased"), ("path", "/etc/passwd"),
                                         ("out", "/tmp/x.jsonl"), ("dataset", "tweets")])
def test_a_request_naming_a_model_or_a_file_is_refused(client, field, value):
    for path, body in [("/api/score", {"text": TEXT}), ("/api/suggest", {"text": TEXT, "word_index": 1}),
                       ("/api/save", {"original": TEXT, "text": TEXT, "label": "negative", "seconds": 1})]:
        out = client.post(path, json={**body, field: value})
        assert out.status_code == 422, path
        assert f"unknown field '{field}'" in out.json()["error"]
    assert client.get("/api/info").json()["effort"]["saved"] == 0  # nothing reached the save file


def test_only_json_from_a_local_host(tmp_path):
    client = TestClient(toy_app(tmp_path, allowed_hosts=("127.0.0.1", "localhost")))
    out = client.post("/api/score", json={"text": TEXT})  # TestClient sends Host: testserver
    assert out.status_code == 403 and "testserver" in out.json()["error"]
    local = TestClient(toy_app(tmp_path, allowed_hosts=("127.0.0.1",)), base_url="http://127.0.0.1:8765")
    assert local.post("/api/score", json={"text": TEXT}).status_code == 200
    form = local.post("/api/score", content=json.dumps({"text": TEXT}), headers={"Content-Type": "text/plain"})
    assert form.status_code == 415 and "application/json" in form.json()["error"]


def test_errors_are_json(client):
    for response in (client.get("/nothing"), client.post("/api/score", content=b"{not json",
                                                         headers={"Content-Type": "application/json"}),
                     client.get("/static/../app.py"), client.post("/api/score", json=["text"])):
        assert response.status_code >= 400
        assert isinstance(response.json()["error"], str) and response.json()["error"]


def test_the_page_and_its_files_are_served(client):
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    for name in ("studio.js", "studio.css"):
        assert f"/static/{name}" in page.text
        assert client.get(f"/static/{name}").status_code == 200
    info = client.get("/api/info").json()
    assert info["labels"] == ["negative", "positive"] and info["unsafe_class"] == "negative"
    assert info["recipes"] == ["deepwordbug"] and info["sources"] == ["table"]


# ---------------------------------------------------------------- server and CLI
def test_the_server_binds_127_0_0_1_by_default():
    from attack_recipe.studio.server import StudioOptions, allowed_hosts, bind, url_of

    assert StudioOptions().host == "127.0.0.1"
    sock = bind(StudioOptions().host, 0)
    try:
        assert sock.getsockname()[0] == "127.0.0.1"
        assert url_of(sock) == f"http://127.0.0.1:{sock.getsockname()[1]}/"
        from attack_recipe.errors import UsageError

        with pytest.raises(UsageError, match="cannot listen on 127.0.0.1"):
            bind("127.0.0.1", sock.getsockname()[1])
    finally:
        sock.close()
    assert "testserver" not in allowed_hosts("127.0.0.1") and allowed_hosts("0.0.0.0") == ("*",)


def test_cli_studio_fails_early_on_bad_options(tmp_path, data_csv):
    from click.testing import CliRunner

    from attack_recipe.cli import main

    runner = CliRunner()
    help_text = runner.invoke(main, ["studio", "--help"]).output
    assert "--threshold" in help_text and "127.0.0.1" in help_text
    (tmp_path / "t.json").write_text('{"threshold": 0.3}')
    cases = [(["--threshold", str(tmp_path / "t.json")], "unsafe_class"),
             (["--model", "toy-sentiment"], "a dataset is required"),
             (["--model", "toy-sentiment", "--dataset", str(data_csv), "--sources", "embedding,thesaurus"],
              "unknown suggestion source 'thesaurus'")]
    for args, message in cases:
        result = runner.invoke(main, ["studio", "--port", "0", *args])
        assert result.exit_code == 2, result.output
        assert message in result.output


# ---------------------------------------------------------------- the page, in a real browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: ../shared/RESOURCES.md: the flags the system Chromium needs here (playwright's own download fails offline)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture
def served(tmp_path):
    """The toy studio served by uvicorn on 127.0.0.1 (a free port), as `attack-recipe studio` serves it."""
    import uvicorn

    from attack_recipe.studio.server import allowed_hosts, bind, url_of

    studio = toy_studio()
    app = toy_app(tmp_path, studio, allowed_hosts=allowed_hosts("127.0.0.1"))
    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    yield url_of(sock), tmp_path / "saved.jsonl"
    server.should_exit = True
    thread.join(10)
    sock.close()


@pytest.mark.skipif(CHROMIUM is None and os.environ.get("WITH_BROWSER") != "1",
                    reason="chromium not installed (CI installs it: WITH_BROWSER=1)")
def test_a_person_types_clicks_a_word_applies_a_suggestion_and_saves(served, tmp_path):
    assert CHROMIUM, "WITH_BROWSER=1 but no chromium on PATH (scripts/setup_env.sh installs it)"
    import httpx
    from playwright.sync_api import expect, sync_playwright

    url, saved = served
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            errors = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(url)
            expect(page.locator("#queue-list li")).to_have_count(2)
            expect(page.locator("#text")).to_have_value(TEXT)
            expect(page.locator("#status")).to_have_text("flagged")
            first = page.locator("#score-value").inner_text()

            # typing changes the score within a second
            page.locator("#text").click()
            page.keyboard.press("End")
            started = time.monotonic()
            page.keyboard.type(" Fine", delay=20)
            expect(page.locator("#score-value")).not_to_have_text(first, timeout=1000 + 20 * 5)
            assert time.monotonic() - started < 1.5
            typed = TEXT + " Fine"
            expect(page.locator("#score-value")).to_have_text(
                f"{httpx.post(url + 'api/score', json={'text': typed}).json()['score']:.4f}")

            # a click on a word lists replacements whose scores are /api/score's on their text
            page.locator("#words .word", has_text="terrible").click()
            rows = page.locator("#suggestions tr.suggestion")
            expect(rows).to_have_count(3)
            for i in range(3):
                text, score = rows.nth(i).get_attribute("data-text"), float(rows.nth(i).get_attribute("data-score"))
                assert score == pytest.approx(httpx.post(url + "api/score", json={"text": text}).json()["score"], abs=1e-12)
            expect(rows.first.locator("td.rep")).to_have_text("dreadful")
            # against the original, "Fine" is an inserted word: the judge rejects all three
            expect(page.locator("#suggestions")).to_contain_text("3 replacements (0 valid)")
            page.locator("#valid-only").check()
            expect(rows.filter(visible=True)).to_have_count(0)
            page.locator("#valid-only").uncheck()
            expect(rows.filter(visible=True)).to_have_count(3)

            # one click applies it; a second word; undo and redo walk back and forth
            rows.first.click()
            halfway = typed.replace("terrible", "dreadful")
            expect(page.locator("#text")).to_have_value(halfway)
            expect(page.locator("#status")).to_have_text("flagged")  # "boring" still weighs -1.6
            page.locator("#words .word", has_text="boring").click()
            expect(rows.first.locator("td.rep")).to_have_text("dull")
            rows.first.click()
            applied = halfway.replace("boring", "dull")
            expect(page.locator("#text")).to_have_value(applied)
            expect(page.locator("#status")).to_have_text("passes the filter")
            page.locator("#undo").click()
            expect(page.locator("#text")).to_have_value(halfway)
            page.locator("#redo").click()
            expect(page.locator("#text")).to_have_value(applied)

            # saving needs the person's judgement, then lands in the JSONL
            page.locator("#save-button").click()
            expect(page.locator("#save-status")).to_contain_text("judgement is required")
            assert not saved.exists()
            page.locator("input[name=judgement][value=negative]").check()
            page.locator("#save-button").click()
            expect(page.locator("#save-status")).to_contain_text("an adversarial example")
            expect(page.locator("#effort")).to_contain_text("1 adversarial of 1 saved")
            expect(page.locator("#queue-list li.done")).to_have_count(1)
            page.screenshot(path=str(os.environ.get("STUDIO_SCREENSHOT") or tmp_path / "studio.png"), full_page=True)
            assert errors == []
        finally:
            browser.close()
    (record,) = [json.loads(line) for line in saved.read_text().splitlines()]
    assert record["text"] == applied and record["original"] == TEXT and record["label"] == "negative"
    assert record["adversarial"] is True and 0 < record["seconds"] < 120
    kinds = [h["kind"] for h in record["history"]]
    assert kinds == ["type", "suggestion", "suggestion", "undo", "redo"]
    assert record["history"][1]["replacement"] == "dreadful" and record["history"][1]["word"] == "terrible"


def test_a_saved_studio_file_is_training_data_for_harden(tmp_path):
    """The studio's JSONL is what `harden --extra-adversarial` reads (issue 11 <-> issue 12)."""
    from attack_recipe.highstakes.adversarial_file import read_adversarial
    from attack_recipe.highstakes.rounds import studio_effort
    from attack_recipe.studio.records import append_record, make_record

    studio = toy_studio()
    path = tmp_path / "saved.jsonl"
    append_record(path, make_record(studio, example_id="x1", original="this movie was terrible",
                                    text="this movie was terible", label="negative", history=[], seconds=90))
    (record,) = read_adversarial(path, KeywordSentimentVictim())
    assert record["label_index"] == KeywordSentimentVictim().label_index("negative")
    assert studio_effort([record])["minutes_per_example"] == 1.5
