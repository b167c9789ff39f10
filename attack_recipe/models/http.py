"""A classifier behind an HTTP endpoint as a victim: batches of texts are POSTed as JSON.

Request and response (field names configurable)::

    POST <url>   {"texts": ["first text", "second text"]}
    200          {"probabilities": [[0.9, 0.1], [0.2, 0.8]], "labels": ["negative", "positive"]}

``labels`` in the response is optional; without it, pass ``labels=`` or the classes are named
``LABEL_0``, ``LABEL_1``, ...

A remote victim is flaky, and one flaky answer must never end a run. Every request is retried with
exponential backoff (``backoff``, ``2 * backoff``, ...; ``retries`` times after the first try) when:

* it times out or the connection fails;
* the server answers 5xx;
* the answer is malformed: a body shorter than its ``Content-Length`` ("truncated body: 37 of 120
  bytes"), a body that is not JSON ("not JSON: ..."), JSON without the probabilities field ("no field
  'probabilities'"), a row count or row width that does not fit the texts and classes, or values that
  are not finite numbers. A proxy cutting a reply short looks exactly like this, and a second try
  usually gets a whole one.

A 4xx answer is not retried (the request itself is wrong). When retries run out a batch raises
:class:`~attack_recipe.errors.VictimError` saying what the server answered last, which the attack
records as that example's ``error``; everything computed before is kept and the run goes on.

The class names come from the first request (a one-text probe, :attr:`HttpVictim.labels`) unless
``labels=`` is given. The probe is retried like any request. When it still fails, the victim has no
classes: no label can be mapped and no probability row checked, so no example can be attacked. The
probe then raises :class:`VictimError` naming the URL and the last answer; loading a run
(:func:`~attack_recipe.evaluation.runner.prepare`) asks for the labels first, so the CLI stops before
any example with a one-line error (exit 1) instead of recording the same failure for every example.

Headers (``headers=``, CLI ``--http-header 'Name: value'``) often carry credentials; the victim never
shows their values (``repr``), and a run records their names only.
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
from typing import Any, Iterable, Mapping, Sequence

from ..errors import UsageError, VictimError
from .base import Victim

logger = logging.getLogger(__name__)

#: RFC 9110 token characters: what a header name may consist of.
_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


def validate_http_options(*, timeout: float | None = None, retries: int | None = None,
                          backoff: float | None = None) -> None:
    """Raise :class:`UsageError` for a timeout <= 0, retries that are not an integer >= 0, or a negative backoff.

    ``None`` means "the default" and passes. The one check behind ``HttpVictim(...)`` and
    ``RunConfig(http_timeout=..., ...)`` (the CLI's ``--http-*`` options).
    """
    for name, value, low, strict in (("timeout", timeout, 0, True), ("backoff", backoff, 0, False)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or (
                value <= low if strict else value < low):
            raise UsageError(f"http {name} must be a number {'>' if strict else '>='} {low} (seconds), got {value!r}")
    if retries is not None and (isinstance(retries, bool) or not isinstance(retries, int) or retries < 0):
        raise UsageError(f"http retries must be an integer >= 0, got {retries!r}")


def redact_url(url: str) -> str:
    """``http://user:secret@host/p`` -> ``http://***@host/p``; other URLs unchanged."""
    return re.sub(r"^(\w+://)[^/@]*@", r"\1***@", url) if isinstance(url, str) else url


def parse_header(spec: str) -> tuple[str, str]:
    """``"Name: value"`` -> ``("Name", "value")``; :class:`UsageError` without a colon or with a bad name."""
    if not isinstance(spec, str) or ":" not in spec:
        shown = spec.split()[0][:40] + " …" if isinstance(spec, str) and spec.split() else repr(spec)
        raise UsageError(f"expected an HTTP header as 'Name: value' (e.g. 'Authorization: Bearer TOKEN'), got one "
                         f"without a colon, starting {shown!r} (the rest is not shown: it may be a credential)")
    name, _, value = spec.partition(":")
    return check_header(name.strip(), value.strip())


def check_header(name: str, value: str) -> tuple[str, str]:
    """A (name, value) pair that can go on the wire, or :class:`UsageError` (the value is never shown)."""
    if not isinstance(name, str) or not _HEADER_NAME.match(name):
        raise UsageError(f"HTTP header name {name!r} is empty or holds characters a header name cannot have")
    if not isinstance(value, str) or any(c in value for c in "\r\n\x00"):
        raise UsageError(f"HTTP header {name!r}: the value must be one line of text")
    return name, value


def header_pairs(headers: Mapping[str, str] | Iterable[str | Sequence[str]] | None) -> tuple[tuple[str, str], ...]:
    """Headers given as a mapping, ``"Name: value"`` strings or (name, value) pairs, as checked pairs."""
    if not headers:
        return ()
    if isinstance(headers, str):
        headers = [headers]
    items = headers.items() if isinstance(headers, Mapping) else headers
    pairs = []
    for item in items:
        if isinstance(item, str):
            pairs.append(parse_header(item))
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            pairs.append(check_header(*item))
        else:
            raise UsageError(f"expected an HTTP header as 'Name: value' or a (name, value) pair, got {item!r}")
    return tuple(pairs)


def _snippet(body: bytes, limit: int = 120) -> str:
    text = body[:limit].decode("utf-8", errors="replace")
    return repr(text + ("..." if len(body) > limit else ""))


class _Retryable(Exception):
    """A failure worth another try: timeout, connection error, 5xx or a malformed answer."""


class HttpVictim(Victim):
    """POSTs ``{"texts": [...]}`` to ``url``; expects ``{"probabilities": [[...], ...]}`` back.

    ``timeout`` is seconds per request (connect, and each read), ``retries`` the tries after the first,
    ``backoff`` the first wait in seconds (doubled after each failed try).
    """

    def __init__(self, url: str, *, labels: Sequence[str] | None = None, timeout: float = 10.0,
                 retries: int = 3, backoff: float = 0.5, batch_size: int = 32,
                 headers: Mapping[str, str] | Iterable[str] | None = None,
                 request_field: str = "texts", response_field: str = "probabilities"):
        validate_http_options(timeout=timeout, retries=retries, backoff=backoff)
        self.url = url
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.batch_size = batch_size
        self.headers = dict(header_pairs(headers))
        self.request_field = request_field
        self.response_field = response_field
        self._labels = tuple(labels) if labels is not None else None
        self._client = None

    @property
    def name(self) -> str:
        """The URL without any ``user:password@`` part: names end up in run.json, summaries and reports."""
        return redact_url(self.url)

    @property
    def labels(self) -> tuple[str, ...]:  # type: ignore[override]
        if self._labels is None:  # one probe request tells the classes
            try:
                self._post(["probe"])
            except VictimError as exc:
                raise VictimError(
                    f"cannot learn the class names from {self.name} (a one-text probe request): {exc}. "
                    "Without them no example can be attacked; pass labels=[...] to HttpVictim to skip the probe"
                ) from exc
        return self._labels

    def _http(self):
        if self._client is None:
            import httpx

            self._client = httpx.Client(timeout=self.timeout, headers=self.headers)
        return self._client

    def _post(self, texts: list[str]) -> list[list[float]]:
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._attempt(texts)
            except _Retryable as exc:
                if attempt > self.retries:
                    raise VictimError(f"{self.name} failed {attempt} times (last: {exc}); giving up") from exc
                delay = self.backoff * 2 ** (attempt - 1)
                logger.info("%s: %s; retry %d/%d in %.2f s", self.name, exc, attempt, self.retries, delay)
                time.sleep(delay)

    def _attempt(self, texts: list[str]) -> list[list[float]]:
        """One request: the validated rows, :class:`_Retryable`, or :class:`VictimError` (4xx)."""
        import httpx

        try:
            with self._http().stream("POST", self.url, json={self.request_field: texts}) as response:
                body = _read_body(response)
        except httpx.TimeoutException as exc:
            raise _Retryable(f"no answer within {self.timeout:g} s ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise _Retryable(f"{type(exc).__name__}: {exc}") from exc
        status = response.status_code
        if status >= 500:
            raise _Retryable(f"HTTP {status}: {_snippet(body)}")
        if status >= 400:
            raise VictimError(f"{self.name} answered HTTP {status}: {_snippet(body, 200)}")
        try:
            payload = json.loads(body)
        except ValueError as exc:  # JSONDecodeError, or bytes that are no Unicode at all
            raise _Retryable(f"not JSON ({exc}): {_snippet(body)}") from exc
        return self._rows(payload, len(texts))

    def _rows(self, payload: Any, n: int) -> list[list[float]]:
        """The probability rows of ``payload`` for ``n`` texts (sets the labels on the first answer)."""
        field = self.response_field
        if not isinstance(payload, dict):
            raise _Retryable(f"a JSON {type(payload).__name__}, expected an object with a field {field!r}")
        if field not in payload:
            raise _Retryable(f"no field {field!r} (fields: {', '.join(map(repr, payload)) or 'none'})")
        rows = payload[field]
        if not isinstance(rows, list) or len(rows) != n:
            got = f"{len(rows)} rows" if isinstance(rows, list) else f"a JSON {type(rows).__name__}"
            raise _Retryable(f"field {field!r} holds {got}, expected {n} rows (one per text)")
        names = self._labels
        if names is None and payload.get("labels") is not None:
            names = payload["labels"]
            if not isinstance(names, list) or not all(isinstance(x, (str, int)) for x in names):
                raise _Retryable(f"field 'labels' is not a list of class names: {payload['labels']!r:.120}")
        width = len(names) if names is not None else (len(rows[0]) if rows and isinstance(rows[0], list) else 0)
        if names is None and width < 2:
            raise _Retryable(f"rows of the wrong width: row 0 has {width} values, expected one per class (>= 2)")
        for i, row in enumerate(rows):
            if not isinstance(row, list) or len(row) != width:
                got = f"{len(row)} values" if isinstance(row, list) else f"a JSON {type(row).__name__}"
                raise _Retryable(f"rows of the wrong width: row {i} has {got}, expected {width} (one per class)")
            for value in row:
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise _Retryable(f"row {i} holds {value!r:.40}, not a number")
                if not math.isfinite(value):
                    raise _Retryable(f"row {i} holds {value!r}, not a finite number")
        if self._labels is None:
            self._labels = tuple(map(str, names)) if names else tuple(f"LABEL_{i}" for i in range(width))
        elif payload.get("labels") is not None and tuple(map(str, payload["labels"])) != self._labels:
            # the columns are read in the first answer's class order; another order would be read wrongly
            raise VictimError(f"{self.name} changed its class names or order mid-run: "
                              f"{list(self._labels)} before, {list(map(str, payload['labels']))} now")
        return rows

    def _predict(self, texts: Sequence[str]):
        return self._post(list(texts))

    def __repr__(self) -> str:
        shown = f", headers={sorted(self.headers)}" if self.headers else ""  # names only: values may be secrets
        return (f"HttpVictim(url={self.name!r}, timeout={self.timeout}, retries={self.retries}, "
                f"backoff={self.backoff}, batch_size={self.batch_size}{shown})")


def _read_body(response) -> bytes:
    """The whole body, or :class:`_Retryable` naming how much of it came when the connection closed early."""
    import httpx

    declared = response.headers.get("content-length")
    chunks: list[bytes] = []
    try:
        for chunk in response.iter_bytes():
            chunks.append(chunk)
    except httpx.RemoteProtocolError as exc:
        if declared is not None:
            raise _Retryable(f"truncated body: {response.num_bytes_downloaded} of {declared} bytes") from exc
        raise _Retryable(f"truncated body: connection closed after {response.num_bytes_downloaded} bytes ({exc})") from exc
    body = b"".join(chunks)
    if declared is not None and declared.isdigit() and response.num_bytes_downloaded < int(declared):
        raise _Retryable(f"truncated body: {response.num_bytes_downloaded} of {declared} bytes")
    return body
