"""HTTP victims against a real server on 127.0.0.1 that injects delays, failures and malformed answers.

The server (http.server in a thread, port 0) is told per request what to do: answer, answer 5xx,
cut the body short of its Content-Length, send something that is not the contract, or stall past the
client's timeout. Timeouts are 0.2 s and backoffs a millisecond, so every test takes well under a second
or two.
"""

from __future__ import annotations

import json
import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from attack_recipe.attacks.results import Status
from attack_recipe.cli import main
from attack_recipe.errors import UsageError, VictimError
from attack_recipe.evaluation.config import RunConfig
from attack_recipe.evaluation.harness import run_dataset
from attack_recipe.models.http import HttpVictim, parse_header
from attack_recipe.models.loading import load_victim
from attack_recipe.resources.datasets import Example
from attack_recipe.testing import SENTIMENT_EXAMPLES, KeywordSentimentVictim
from attack_recipe.testing.attacks import character_attack

STALL_SECONDS = 0.5  # longer than the 0.2 s client timeouts below
FAST = dict(timeout=0.2, backoff=0.001)

#: what the server sends for each malformed mode, and the reason the victim must give
MALFORMED = {
    "not-json": (b"<html>502 Bad Gateway</html>", "not JSON"),
    "no-field": (b'{"scores": [[0.5, 0.5]]}', "no field 'probabilities' (fields: 'scores')"),
    "wide": (None, "rows of the wrong width: row 0 has 3 values, expected 2"),
    "nan": (None, "row 0 holds nan, not a finite number"),
    "string": (None, "row 0 holds 'high', not a number"),
    "rows": (None, "holds 0 rows, expected 1 rows (one per text)"),
}


class Behaviour:
    """What the server does: ``script`` (one mode per request, consumed in order), else ``mode``,
    else random failures at ``fail_rate`` / stalls at ``slow_rate``. ``poison``: requests holding a
    text with that word get ``poison_mode`` instead (one bad example among good ones)."""

    def __init__(self, fail_rate=0.0, slow_rate=0.0, status=503, seed=0):
        self.fail_rate, self.slow_rate, self.status = fail_rate, slow_rate, status
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.requests = 0
        self.script: list[str] = []
        self.mode = "ok"
        self.poison: str | None = None
        self.poison_mode = "not-json"
        self.headers: list[dict] = []

    def next_mode(self, texts) -> str:
        with self.lock:
            self.requests += 1
            if self.poison and any(self.poison in t.lower() for t in texts):
                return self.poison_mode
            if self.script:
                return self.script.pop(0)
            roll = self.rng.random()
        if roll < self.fail_rate:
            return "status"
        if roll < self.fail_rate + self.slow_rate:
            return "stall"
        return self.mode


@pytest.fixture
def server():
    model = KeywordSentimentVictim()
    behaviour = Behaviour()

    class Handler(BaseHTTPRequestHandler):
        disable_nagle_algorithm = True  # headers and body go out as two writes; no 40 ms ACK delay between

        def log_message(self, *args):  # keep test output clean
            pass

        def send(self, status, payload: bytes, length: int | None = None):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload) if length is None else length))
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()

        def do_POST(self):
            texts = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["texts"]
            behaviour.headers.append(dict(self.headers))
            mode = behaviour.next_mode(texts)
            if mode == "status":
                return self.send(behaviour.status, b"injected failure")
            if mode in ("500", "400"):
                return self.send(int(mode), b"injected failure")
            if mode == "stall":
                threading.Event().wait(STALL_SECONDS)
            probs = model(texts).tolist()
            good = json.dumps({"probabilities": probs, "labels": list(model.labels)}).encode()
            if mode == "swapped":  # the same answer with the classes in the other order
                good = json.dumps({"probabilities": [row[::-1] for row in probs],
                                   "labels": list(model.labels)[::-1]}).encode()
            if mode == "truncate":  # promise the whole body, send a third of it, hang up
                self.close_connection = True
                return self.send(200, good[: len(good) // 3], length=len(good))
            if mode in MALFORMED:
                body = MALFORMED[mode][0]
                if body is None:
                    rows = {"wide": [[0.2, 0.3, 0.5]] * len(texts), "nan": [[float("nan"), 0.5]] * len(texts),
                            "string": [["high", 0.5]] * len(texts), "rows": []}[mode]
                    body = json.dumps({"probabilities": rows}).encode()  # json writes NaN unless told not to
                return self.send(200, body)
            self.send(200, good)

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):  # a stalled handler writes to a closed socket
            pass

    httpd = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/predict", behaviour
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


EXAMPLES = [Example(f"ex{i}", t, y) for i, (t, y) in enumerate(SENTIMENT_EXAMPLES)]


def test_probabilities_and_labels_from_the_endpoint(server):
    url, _ = server
    victim = HttpVictim(url)
    assert victim.labels == ("negative", "positive")
    probs = victim(["a good day", "a bad day"])
    assert probs.shape == (2, 2) and probs[0, 1] > 0.5 > probs[1, 1]


def test_thirty_percent_failures_and_slow_answers_complete_the_run(server, tmp_path):
    url, behaviour = server
    behaviour.fail_rate, behaviour.slow_rate = 0.3, 0.05
    victim = HttpVictim(url, labels=["negative", "positive"], timeout=0.2, retries=3, backoff=0.01)
    outcome = run_dataset(character_attack(), victim, EXAMPLES, out_dir=tmp_path)
    assert [r.example_id for r in outcome.results] == [e.id for e in EXAMPLES]  # none missing
    assert all(r.status in (Status.SUCCEEDED, Status.FAILED, Status.ERROR) for r in outcome.results)
    assert sum(r.status is Status.SUCCEEDED for r in outcome.results) >= 5
    assert len((tmp_path / "results.jsonl").read_text().splitlines()) == len(EXAMPLES)


def test_exhausted_retries_become_per_example_errors(server, tmp_path):
    url, behaviour = server
    behaviour.fail_rate = 1.0
    victim = HttpVictim(url, labels=["negative", "positive"], retries=2, backoff=0.001)
    outcome = run_dataset(character_attack(), victim, EXAMPLES[:3], out_dir=tmp_path)
    assert [r.status for r in outcome.results] == [Status.ERROR] * 3
    assert "failed 3 times (last: HTTP 503: 'injected failure'); giving up" in outcome.results[0].error
    assert behaviour.requests == 9


def test_client_errors_are_not_retried(server):
    url, behaviour = server
    behaviour.fail_rate, behaviour.status = 1.0, 400
    with pytest.raises(VictimError, match="HTTP 400"):
        HttpVictim(url, labels=["n", "p"], retries=5)(["text"])
    assert behaviour.requests == 1


# -- the first request: the label probe --------------------------------------------------------

def test_label_probe_is_retried_and_the_run_goes_on(server, tmp_path):
    url, behaviour = server
    behaviour.script = ["500", "500"]
    victim = HttpVictim(url, retries=3, **FAST)
    outcome = run_dataset(character_attack(), victim, EXAMPLES[:2], out_dir=tmp_path)
    assert victim.labels == ("negative", "positive")
    assert [r.status for r in outcome.results] == [Status.SUCCEEDED, Status.SUCCEEDED]


def test_label_probe_that_never_works_names_the_url_and_the_answer(server):
    url, behaviour = server
    behaviour.mode = "not-json"
    victim = HttpVictim(url, retries=1, **FAST)
    with pytest.raises(VictimError) as info:
        victim.labels
    message = str(info.value)
    assert f"cannot learn the class names from {url}" in message
    assert "failed 2 times (last: not JSON" in message and "502 Bad Gateway" in message
    assert behaviour.requests == 2


def test_harness_records_a_failed_probe_per_example_and_asks_once_per_example(server, tmp_path):
    url, behaviour = server
    behaviour.mode = "500"
    outcome = run_dataset(character_attack(), HttpVictim(url, retries=1, **FAST), EXAMPLES[:2], out_dir=tmp_path)
    assert [r.status for r in outcome.results] == [Status.ERROR, Status.ERROR]
    assert "cannot learn the class names" in outcome.results[0].error and outcome.results[0].label == -1
    assert behaviour.requests == 4  # two tries per example; the error result does not probe again


def test_cli_stops_before_any_example_when_the_probe_fails(server, tmp_path):
    url, behaviour = server
    behaviour.mode = "500"
    data = _csv(tmp_path)
    result = CliRunner().invoke(main, ["run", "--recipe", "deepwordbug", "--model", url, "--dataset", str(data),
                                       "--http-retries", "1", "--http-backoff", "0.001",
                                       "--out", str(tmp_path / "run")])
    assert result.exit_code == 1, result.output
    assert result.output.count("error:") == 1 and "Traceback" not in result.output
    assert url in result.output and "HTTP 500" in result.output
    assert not (tmp_path / "run" / "results.jsonl").exists()  # no example attacked


# -- malformed and truncated answers during a run ---------------------------------------------

def test_truncated_body_is_retried(server):
    url, behaviour = server
    behaviour.script = ["truncate"]
    probs = HttpVictim(url, labels=["negative", "positive"], retries=2, **FAST)(["a good day"])
    assert probs[0, 1] > 0.5 and behaviour.requests == 2


def test_truncated_body_is_reported_as_truncated(server):
    url, behaviour = server
    behaviour.mode = "truncate"
    with pytest.raises(VictimError, match=r"failed 2 times \(last: truncated body: \d+ of \d+ bytes\)"):
        HttpVictim(url, labels=["negative", "positive"], retries=1, **FAST)(["a good day"])


@pytest.mark.parametrize("mode", sorted(MALFORMED))
def test_malformed_answer_is_retried_then_ok(server, mode):
    url, behaviour = server
    behaviour.script = [mode]
    probs = HttpVictim(url, labels=["negative", "positive"], retries=1, **FAST)(["a good day"])
    assert probs.shape == (1, 2) and behaviour.requests == 2


@pytest.mark.parametrize("mode", sorted(MALFORMED))
def test_always_malformed_example_is_an_error_with_the_reason_and_the_run_goes_on(server, tmp_path, mode):
    url, behaviour = server
    behaviour.poison, behaviour.poison_mode = "zebra", mode
    examples = [EXAMPLES[0], Example("poisoned", "The zebra was good and nice.", 1), EXAMPLES[5]]
    victim = HttpVictim(url, labels=["negative", "positive"], retries=1, **FAST)
    outcome = run_dataset(character_attack(), victim, examples, out_dir=tmp_path)
    assert [r.example_id for r in outcome.results] == ["ex0", "poisoned", "ex5"]
    assert outcome.results[1].status is Status.ERROR
    for other in (outcome.results[0], outcome.results[2]):  # attacked as usual
        assert other.status in (Status.SUCCEEDED, Status.FAILED) and other.queries > 1
    error = outcome.results[1].error
    assert f"{url} failed 2 times (last: " in error and MALFORMED[mode][1] in error, error


def test_stall_times_out_and_is_retried(server):
    url, behaviour = server
    behaviour.script = ["stall"]
    probs = HttpVictim(url, labels=["negative", "positive"], retries=1, **FAST)(["a good day"])
    assert probs[0, 1] > 0.5 and behaviour.requests == 2


def test_stall_every_time_names_the_timeout(server):
    url, behaviour = server
    behaviour.mode = "stall"
    with pytest.raises(VictimError, match=r"failed 2 times \(last: no answer within 0.2 s \(ReadTimeout\)\)"):
        HttpVictim(url, labels=["negative", "positive"], retries=1, **FAST)(["a good day"])


# -- options: CLI, RunConfig, load_victim --------------------------------------------------------

def _csv(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_text("text,label\n" + "".join(f'"{t}",{y}\n' for t, y in SENTIMENT_EXAMPLES[:3]), encoding="utf-8")
    return path


def test_cli_http_options_reach_the_victim_and_header_values_stay_out_of_run_files(server, tmp_path):
    url, behaviour = server
    behaviour.script = ["500", "truncate"]  # the probe fails twice; --http-retries 2 is enough
    out = tmp_path / "run"
    result = CliRunner().invoke(main, [
        "run", "--recipe", "deepwordbug", "--model", url, "--dataset", str(_csv(tmp_path)), "--num-examples", "3",
        "--http-timeout", "0.5", "--http-retries", "2", "--http-backoff", "0.001",
        "--http-header", "X-Api-Key: s3cret-value", "--http-header", "X-Team:attack", "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["total"] == 3 and summary["errors"] == 0
    assert all(h.get("X-Api-Key") == "s3cret-value" and h.get("X-Team") == "attack" for h in behaviour.headers)
    assert summary["run"]["config"]["http_headers"] == ["X-Api-Key", "X-Team"]
    assert summary["run"]["config"]["http_retries"] == 2
    for path in out.iterdir():
        assert "s3cret-value" not in path.read_text(errors="replace"), path.name


@pytest.mark.parametrize("args, message", [
    (["--http-timeout", "-1"], "timeout must be a number > 0"),
    (["--http-timeout", "0"], "timeout must be a number > 0"),
    (["--http-retries", "-1"], "retries must be an integer >= 0"),
    (["--http-backoff", "-0.5"], "backoff must be a number >= 0"),
    (["--http-header", "Authorization Bearer x"], "expected an HTTP header as 'Name: value'"),
    (["--http-header", ": no name"], "header name"),
])
def test_cli_rejects_bad_http_options(tmp_path, args, message):
    result = CliRunner().invoke(main, ["run", "--model", "http://127.0.0.1:9/predict", "--dataset",
                                       str(_csv(tmp_path)), *args, "--out", str(tmp_path / "run")])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_http_options_need_an_http_model(tmp_path):
    result = CliRunner().invoke(main, ["run", "--model", "toy-sentiment", "--dataset", str(_csv(tmp_path)),
                                       "--http-retries", "1", "--out", str(tmp_path / "run")])
    assert result.exit_code == 2 and "apply to an http(s):// --model only" in result.output
    with pytest.raises(UsageError, match="http"):
        load_victim("toy-sentiment", http={"timeout": 1.0})


def test_run_config_keeps_header_names_only():
    config = RunConfig(model="https://example.invalid/predict", dataset="d.csv",
                       http_headers=("Authorization: Bearer abc",), http_timeout=2.5)
    assert config.http_headers == (("Authorization", "Bearer abc"),)
    assert config.http_options == {"timeout": 2.5, "headers": {"Authorization": "Bearer abc"}}
    assert config.to_dict()["http_headers"] == ["Authorization"] and "abc" not in json.dumps(config.to_dict())
    victim = load_victim(config.model, http=config.http_options)
    assert victim.timeout == 2.5 and "abc" not in repr(victim) and "Authorization" in repr(victim)


def test_parse_header():
    assert parse_header("X-Key:  a: b ") == ("X-Key", "a: b")
    with pytest.raises(UsageError, match="one line"):
        HttpVictim("http://x.invalid", headers={"X-Key": "a\r\nInjected: 1"})


def test_a_reordered_class_list_mid_run_is_an_error_not_a_silent_misreading(server):
    url, behaviour = server
    victim = HttpVictim(url, retries=0)
    assert victim.labels == ("negative", "positive")
    behaviour.mode = "swapped"
    with pytest.raises(VictimError, match="changed its class names or order mid-run"):
        victim(["a good day"])


def test_url_credentials_stay_out_of_the_run_folder(server, tmp_path):
    url, _ = server
    secret_url = url.replace("http://", "http://user:PWSECRET@")
    out = tmp_path / "run"
    result = CliRunner().invoke(main, ["run", "--recipe", "deepwordbug", "--model", secret_url, "--dataset",
                                       str(_csv(tmp_path)), "--no-judge", "--no-validity", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "PWSECRET" not in result.output
    for path in out.iterdir():
        assert "PWSECRET" not in path.read_text(encoding="utf-8", errors="replace"), path.name


def test_a_malformed_header_is_not_echoed():
    with pytest.raises(UsageError) as info:
        parse_header("Authorization Bearer SECRET")
    assert "SECRET" not in str(info.value) and "Authorization" in str(info.value)
