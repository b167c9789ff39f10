"""A classifier behind an HTTP endpoint as a victim: batches of texts are POSTed as JSON.

Request and response (field names configurable)::

    POST <url>   {"texts": ["first text", "second text"]}
    200          {"probabilities": [[0.9, 0.1], [0.2, 0.8]], "labels": ["negative", "positive"]}

``labels`` in the response is optional; without it, pass ``labels=`` or the classes are named
``LABEL_0``, ``LABEL_1``, ... Timeouts, connection errors and 5xx answers are retried with
exponential backoff; a 4xx answer is not (the request itself is wrong). When retries run out the
batch raises :class:`~attack_recipe.errors.VictimError`, which the attack records as a per-example
``error`` — everything computed before is kept and the run goes on.
"""

from __future__ import annotations

import logging
import time
from typing import Sequence

from ..errors import VictimError
from .base import Victim

logger = logging.getLogger(__name__)


class HttpVictim(Victim):
    """POSTs ``{"texts": [...]}`` to ``url``; expects ``{"probabilities": [[...], ...]}`` back."""

    def __init__(self, url: str, *, labels: Sequence[str] | None = None, timeout: float = 10.0,
                 retries: int = 3, backoff: float = 0.5, batch_size: int = 32, headers: dict | None = None,
                 request_field: str = "texts", response_field: str = "probabilities"):
        self.url = url
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.batch_size = batch_size
        self.headers = dict(headers or {})
        self.request_field = request_field
        self.response_field = response_field
        self._labels = tuple(labels) if labels is not None else None
        self._client = None

    @property
    def name(self) -> str:
        return self.url

    @property
    def labels(self) -> tuple[str, ...]:  # type: ignore[override]
        if self._labels is None:  # one probe request tells the classes
            self._post(["probe"])
        return self._labels

    def _http(self):
        if self._client is None:
            import httpx

            self._client = httpx.Client(timeout=self.timeout, headers=self.headers)
        return self._client

    def _post(self, texts: list[str]):
        import httpx

        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._http().post(self.url, json={self.request_field: texts})
                if response.status_code >= 500:
                    raise _Retryable(f"HTTP {response.status_code}")
                if response.status_code >= 400:
                    raise VictimError(f"{self.url} answered HTTP {response.status_code}: {response.text[:200]}")
                try:
                    payload = response.json()
                    rows = payload[self.response_field]
                except (ValueError, KeyError, TypeError) as exc:
                    raise VictimError(
                        f"{self.url} answered without a JSON field {self.response_field!r}: {response.text[:200]}"
                    ) from exc
                break
            except (httpx.TimeoutException, httpx.TransportError, _Retryable) as exc:
                reason = str(exc) or type(exc).__name__
                if attempt > self.retries:
                    raise VictimError(f"{self.url} failed {attempt} times (last: {reason}); giving up") from exc
                delay = self.backoff * 2 ** (attempt - 1)
                logger.info("%s: %s; retry %d/%d in %.2f s", self.url, reason, attempt, self.retries, delay)
                time.sleep(delay)
        if self._labels is None:
            names = payload.get("labels") if isinstance(payload, dict) else None
            width = len(rows[0]) if rows and isinstance(rows[0], list) else 0
            self._labels = tuple(map(str, names)) if names else tuple(f"LABEL_{i}" for i in range(width))
        return rows

    def _predict(self, texts: Sequence[str]):
        return self._post(list(texts))

    def __repr__(self) -> str:
        return f"HttpVictim(url={self.url!r}, timeout={self.timeout}, retries={self.retries}, batch_size={self.batch_size})"


class _Retryable(Exception):
    """A server-side failure worth retrying (5xx)."""
