"""The studio's FastAPI app: one page (static files shipped as package data, no build step) and the JSON
API it uses — the same API tests call in-process.

API (every POST takes and returns JSON; docs/studio.md has examples)::

    GET  /api/info      the victim, its classes, the unsafe class, the threshold, sources, recipes, effort
    GET  /api/queue     flagged examples to start from
    POST /api/score     {"text"}                                -> probabilities, label, score, flagged, threshold
    POST /api/saliency  {"text", "method"?}                     -> {"method", "words": [{word, start, end, weight}]}
    POST /api/suggest   {"text", "word_index", "original"?}     -> {"suggestions": [{replacement, text, score,
                                                                    delta, valid, reasons, ...}]}
    POST /api/finish    {"text", "recipe", "original"?}         -> result text, word diff, score, verdict
    POST /api/save      {"example_id", "original", "text", "label", "history", "seconds"} -> the saved record

Safety, for a server that runs models on a person's machine:

* it binds 127.0.0.1 unless told otherwise (:mod:`.server`), and answers only requests whose ``Host``
  is one it serves (a web page cannot reach it through DNS rebinding);
* a POST must be ``application/json`` (so another site cannot post a "simple" cross-origin form) and at
  most ``max_body`` bytes (413, checked on the declared length and on what actually arrives);
* texts are capped in length, every request model refuses unknown fields (``extra="forbid"``): no
  request can name a model, a file or a path — the victim, the data and the save file are fixed when
  the server starts; request bodies are parsed as JSON, nothing is evaluated or unpickled;
* every error is JSON, ``{"error": "message", ...}``.
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Optional, Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from ..errors import AttackRecipeError, InputError, UsageError
from . import records as records_module
from .finish import finish
from .saliency import METHODS as SALIENCY_METHODS, saliency
from .suggestions import suggest

logger = logging.getLogger(__name__)

#: the largest request body accepted (a save carries the edit history)
MAX_BODY_BYTES = 256 * 1024
#: the longest text any endpoint takes (tweets are 280, most reviews a few hundred)
MAX_TEXT_CHARS = 5000
#: the most edits a saved history may hold
MAX_HISTORY = 500
#: hosts a local server answers to (the Host header, port removed)
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")

_STATIC = {"index.html": "text/html; charset=utf-8", "studio.js": "text/javascript; charset=utf-8",
           "studio.css": "text/css; charset=utf-8"}

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TextIn(_Strict):
    text: str = Field(max_length=MAX_TEXT_CHARS)


class SaliencyIn(TextIn):
    method: Literal[SALIENCY_METHODS] = "auto"  # type: ignore[valid-type]


class SuggestIn(TextIn):
    word_index: int = Field(ge=0, le=MAX_TEXT_CHARS)
    original: Optional[str] = Field(default=None, max_length=MAX_TEXT_CHARS)


class FinishIn(TextIn):
    recipe: str = Field(min_length=1, max_length=100)
    original: Optional[str] = Field(default=None, max_length=MAX_TEXT_CHARS)


class Edit(_Strict):
    """One step of the edit history, as the page records it."""

    t: float = Field(ge=0, le=1e7)  # seconds since the example was opened
    kind: Literal["type", "suggestion", "undo", "redo", "finish"]
    text: Optional[str] = Field(default=None, max_length=MAX_TEXT_CHARS)  # the text after the step
    word_index: Optional[int] = Field(default=None, ge=0, le=MAX_TEXT_CHARS)
    word: Optional[str] = Field(default=None, max_length=200)
    replacement: Optional[str] = Field(default=None, max_length=200)
    sources: Optional[list[str]] = Field(default=None, max_length=10)
    score: Optional[float] = Field(default=None, ge=0, le=1)
    recipe: Optional[str] = Field(default=None, max_length=100)


class SaveIn(_Strict):
    example_id: Optional[str] = Field(default=None, max_length=200)
    original: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    #: the person's judgement of the final text: a class name (the unsafe class: "still unsafe")
    label: str = Field(min_length=1, max_length=200)
    history: list[Edit] = Field(default_factory=list, max_length=MAX_HISTORY)
    seconds: float = Field(ge=0, le=1e7)


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


class Guard:
    """ASGI middleware: Host check, JSON-only POSTs, and the body cap (see the module docstring)."""

    def __init__(self, app, max_body: int, allowed_hosts: Sequence[str]):
        self.app = app
        self.max_body = max_body
        self.allowed_hosts = {h.lower().strip("[]") for h in allowed_hosts}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = _host_name(headers.get("host", ""))
        if "*" not in self.allowed_hosts and host not in self.allowed_hosts:
            return await _error(403, f"this studio serves {', '.join(sorted(self.allowed_hosts))}, "
                                     f"not host {host!r}")(scope, receive, send)
        if scope["method"] == "POST":
            kind = headers.get("content-type", "").split(";")[0].strip().lower()
            if kind != "application/json":
                return await _error(415, f"send JSON (Content-Type: application/json), not {kind or 'no type'}"
                                    )(scope, receive, send)
            declared = headers.get("content-length")
            if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
                return await _error(413, f"request body of {declared} bytes is over the limit of "
                                         f"{self.max_body} bytes")(scope, receive, send)
        received = 0

        async def counted():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise HTTPException(413, f"request body is over the limit of {self.max_body} bytes")
            return message

        return await self.app(scope, counted, send)


def _host_name(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):  # [::1]:8765
        return host[1:].split("]")[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _static(name: str) -> Response:
    body = resources.files(__package__).joinpath("static", name).read_bytes()
    return Response(body, media_type=_STATIC[name], headers={"Cache-Control": "no-store"})


def create_app(studio, *, queue: list[dict], out_path: str | Path, recipes: Sequence[str] = (),
               default_recipe: str | None = None, allowed_hosts: Sequence[str] = LOCAL_HOSTS,
               max_body: int = MAX_BODY_BYTES) -> FastAPI:
    """The app for a built :class:`~.engine.Studio`; ``queue`` from :func:`~.queue.flagged_queue`,
    ``out_path`` the JSONL file saves go to (fixed here: no request names a file)."""
    app = FastAPI(title="attack-recipe studio", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(Guard, max_body=max_body, allowed_hosts=allowed_hosts)
    out_path = Path(out_path)
    saved = records_module.read_records(out_path)
    recipes = list(recipes)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        problems = []
        for err in exc.errors():
            where = ".".join(str(x) for x in err.get("loc", ()) if x != "body") or "body"
            if err.get("type") == "extra_forbidden":
                problems.append(f"unknown field {where!r} (requests carry texts only: the model, the data "
                                f"and the save file are fixed when the studio starts)")
            else:
                problems.append(f"{where}: {err.get('msg')}")
        return _error(422, "; ".join(problems) or "invalid request")

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        return _error(exc.status_code, str(exc.detail))

    @app.exception_handler(AttackRecipeError)
    async def _ours(request: Request, exc: AttackRecipeError):
        # the request's fault (a bad word index, an unknown recipe) or the models' (a victim that failed)
        return _error(400 if isinstance(exc, (UsageError, InputError)) else 500, str(exc), kind=type(exc).__name__)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        logger.exception("studio request failed")
        return _error(500, f"unexpected {type(exc).__name__}: {exc}")

    @app.get("/")
    def index():
        return _static("index.html")

    @app.get("/static/{name}")
    def static(name: str):
        if name not in _STATIC or name == "index.html":
            raise HTTPException(404, f"no static file {name!r}")
        return _static(name)

    @app.get("/api/info")
    def info():
        from ..attacks.capabilities import is_white_box

        return {"model": studio.model_name, "labels": list(studio.labels), "unsafe_class": studio.unsafe_class,
                "threshold": studio.threshold_line, "calibrated": studio.threshold is not None,
                "boundary": studio.boundary, "white_box": is_white_box(studio.victim),
                "saliency_methods": list(SALIENCY_METHODS), "sources": list(studio.sources),
                "recipes": recipes, "default_recipe": default_recipe,
                "finish": {"time_limit": studio.finish_time_limit, "query_budget": studio.finish_query_budget},
                "limits": {"max_text_chars": MAX_TEXT_CHARS, "max_body_bytes": max_body, "max_history": MAX_HISTORY},
                "out": str(out_path), "effort": records_module.effort(saved)}

    @app.get("/api/queue")
    def get_queue():
        return {"examples": queue}

    @app.post("/api/score")
    def post_score(body: TextIn):
        return studio.score(body.text)

    @app.post("/api/saliency")
    def post_saliency(body: SaliencyIn):
        return saliency(studio, body.text, body.method)

    @app.post("/api/suggest")
    def post_suggest(body: SuggestIn):
        return suggest(studio, body.text, body.word_index, body.original)

    @app.post("/api/finish")
    def post_finish(body: FinishIn):
        if recipes and body.recipe not in recipes:
            from ..errors import UnknownNameError

            raise UnknownNameError("recipe", body.recipe, recipes)
        return finish(studio, body.text, body.recipe, body.original)

    @app.post("/api/save")
    def post_save(body: SaveIn):
        record = records_module.make_record(
            studio, example_id=body.example_id, original=body.original, text=body.text, label=body.label,
            history=[e.model_dump(exclude_none=True) for e in body.history], seconds=body.seconds)
        records_module.append_record(out_path, record)
        saved.append(record)
        return {"record": record, "effort": records_module.effort(saved), "out": str(out_path)}

    return app
