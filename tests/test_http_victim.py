"""HTTP victims against a real server on 127.0.0.1 that injects delays and failures."""

from __future__ import annotations

import json
import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from attack_recipe.attacks.results import Status
from attack_recipe.errors import VictimError
from attack_recipe.evaluation.harness import run_dataset
from attack_recipe.models.http import HttpVictim
from attack_recipe.resources.datasets import Example
from attack_recipe.testing import SENTIMENT_EXAMPLES, KeywordSentimentVictim
from attack_recipe.testing.attacks import character_attack


class Behaviour:
    def __init__(self, fail_rate=0.0, slow_rate=0.0, status=503, seed=0, field="probabilities"):
        self.fail_rate, self.slow_rate, self.status, self.field = fail_rate, slow_rate, status, field
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.requests = 0


@pytest.fixture
def server():
    model = KeywordSentimentVictim()
    behaviour = Behaviour()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output clean
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with behaviour.lock:
                behaviour.requests += 1
                roll = behaviour.rng.random()
            if roll < behaviour.fail_rate:
                self.send_response(behaviour.status)
                self.end_headers()
                self.wfile.write(b"injected failure")
                return
            if roll < behaviour.fail_rate + behaviour.slow_rate:
                threading.Event().wait(0.5)  # longer than the client's timeout
            probs = model(body["texts"]).tolist()
            payload = json.dumps({behaviour.field: probs, "labels": list(model.labels)}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/predict", behaviour
    httpd.shutdown()
    httpd.server_close()


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
    assert "failed 3 times (last: HTTP 503); giving up" in outcome.results[0].error
    assert behaviour.requests == 9


def test_client_errors_are_not_retried(server):
    url, behaviour = server
    behaviour.fail_rate, behaviour.status = 1.0, 400
    with pytest.raises(VictimError, match="HTTP 400"):
        HttpVictim(url, labels=["n", "p"], retries=5)(["text"])
    assert behaviour.requests == 1


def test_wrong_response_shape_is_named(server):
    url, behaviour = server
    behaviour.field = "scores"
    with pytest.raises(VictimError, match="without a JSON field 'probabilities'"):
        HttpVictim(url, labels=["n", "p"])(["text"])
