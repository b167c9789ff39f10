"""Build the studio from the CLI's options and serve it with uvicorn on 127.0.0.1.

Loading order, cheapest first so that a typo fails before minutes of loading: the threshold file, the
dataset, the victim (``models.loading.load_victim``: whatever ``attack-recipe run --model`` accepts),
the queue (one batched pass over ``num_examples`` texts), then the judge and the suggestion sources
(spaCy, WordNet, GloVe, VADER, SmolLM2, E5 and the counter-fitted vectors, loaded once at start so the
first click is quick). The socket is bound before the URL is printed, so a port in use is an error
naming it, and ``--port 0`` prints the free port it got.
"""

from __future__ import annotations

import logging
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import ResourceNotFoundError, UsageError
from .suggestions import SOURCE_NAMES

logger = logging.getLogger(__name__)

DEFAULT_PORT = 8765
INSTALL = "pip install 'attack-recipe[studio]'  (fastapi, uvicorn)"


@dataclass(frozen=True)
class StudioOptions:
    """What ``attack-recipe studio`` takes; None means the default (see each field)."""

    model: str | None = None  # None: the built-in sentiment-minilm
    dataset: str | None = None  # None: tweets when model is None, else required
    split: str | None = "test"
    num_examples: int = 300  # examples read to fill the queue (the flagged ones of the unsafe class stay)
    offset: int = 0
    text_column: str | None = None
    label_column: str | None = None
    id_column: str | None = None
    threshold: str | None = None  # a calibrate file
    unsafe_class: str | None = None
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    out: str | None = None  # None: studio-<model>.jsonl in the working directory
    mlm: str | None = None
    sources: tuple[str, ...] = SOURCE_NAMES
    recipe: str = "textfooler"
    finish_time_limit: float = 60.0
    finish_query_budget: int = 2000
    device: str | None = None
    batch_size: int | None = None

    @property
    def out_path(self) -> Path:
        if self.out is not None:
            return Path(self.out)
        from ..evaluation.config import DEFAULT_MODEL, sanitise

        return Path(f"studio-{sanitise(self.model or DEFAULT_MODEL)}.jsonl")


def require_web_stack() -> None:
    """Raise a clear error when the ``studio`` extra is not installed."""
    missing = []
    for module in ("fastapi", "uvicorn"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise ResourceNotFoundError("the studio's web server", [f"python module {m}: not installed" for m in missing],
                                    INSTALL)


def build_studio(options: StudioOptions, echo: Callable[[str], None] = lambda line: None):
    """``(studio, queue, recipes)``: everything the app needs, loaded (see the module docstring)."""
    from ..evaluation.config import DEFAULT_DATASET
    from ..models.loading import load_victim
    from ..resources.datasets import load_dataset_examples
    from .engine import Studio
    from .finish import recipe_names
    from .queue import flagged_queue
    from .app import MAX_TEXT_CHARS
    from .suggestions import default_sources
    from ..highstakes.threshold_file import read_threshold_file as load_threshold_file

    threshold = load_threshold_file(options.threshold) if options.threshold else None
    dataset = options.dataset
    if dataset is None:
        if options.model is not None:
            raise UsageError(f"a dataset is required with model {options.model!r}: pass --dataset "
                             "(a built-in name, a .csv/.jsonl file or a Hugging Face dataset id)")
        dataset = DEFAULT_DATASET
    sources = default_sources(options.sources, mlm=options.mlm)  # an unknown name fails here, before loading
    loaded = load_dataset_examples(dataset, options.split, text_column=options.text_column,
                                   label_column=options.label_column, num_examples=options.num_examples,
                                   offset=options.offset, id_column=options.id_column)
    started = time.perf_counter()
    victim = load_victim(options.model, device=options.device, batch_size=options.batch_size)
    echo(f"victim {getattr(victim, 'name', options.model)} loaded ({time.perf_counter() - started:.1f} s), "
         f"classes {list(victim.labels)}")
    studio = Studio(victim, model_name=options.model, threshold=threshold, unsafe_class=options.unsafe_class,
                    sources=sources, recipe_options={"mlm": options.mlm} if options.mlm else None,
                    finish_time_limit=options.finish_time_limit, finish_query_budget=options.finish_query_budget)
    recipes = recipe_names(victim)
    if options.recipe not in recipes:
        from ..errors import UnknownNameError

        raise UnknownNameError("recipe", options.recipe, recipes)
    started = time.perf_counter()
    queue = flagged_queue(studio, loaded.examples, loaded.label_names, MAX_TEXT_CHARS)
    echo(f"queue: {len(queue)} of {len(loaded.examples)} examples of {loaded.name} ({loaded.split}) are "
         f"{studio.unsafe_class!r} and flagged ({time.perf_counter() - started:.1f} s); {studio.boundary}")
    if not queue:
        logger.warning("no example to start from: none of the %d examples read is flagged and labelled %r "
                       "(the page still takes any text you paste)", len(loaded.examples), studio.unsafe_class)
    started = time.perf_counter()
    echo("loading the validity judge and the suggestion sources (once; about a minute the first time) ...")
    studio.warm_up()
    echo(f"ready in {time.perf_counter() - started:.1f} s: suggestions from {', '.join(studio.sources)}")
    return studio, queue, recipes


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on (host, port); a clear error when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port} ({exc.strerror or exc}): pass another --port, or "
                         "--port 0 for a free one") from exc
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"


def allowed_hosts(host: str) -> tuple[str, ...]:
    """The Host headers to answer: local names, the bound address; anything when bound to every interface."""
    from .app import LOCAL_HOSTS

    if host in ("0.0.0.0", "::", ""):
        return ("*",)
    return tuple(dict.fromkeys((*LOCAL_HOSTS, host.lower())))


def run_studio(options: StudioOptions, echo: Callable[[str], None] = print, open_browser: bool = False) -> None:
    """Load everything, print the URL, serve until Ctrl-C."""
    require_web_stack()
    import uvicorn

    from .app import create_app

    sock = bind(options.host, options.port)  # before minutes of loading: a taken port fails at once
    try:
        studio, queue, recipes = build_studio(options, echo)
        app = create_app(studio, queue=queue, out_path=options.out_path, recipes=recipes,
                         default_recipe=options.recipe, allowed_hosts=allowed_hosts(options.host))
        url = url_of(sock)
        if allowed_hosts(options.host) == ("*",):
            logger.warning("the studio listens on every interface (%s): anyone who can reach this machine "
                           "can use it; there is no login", options.host)
        echo(f"studio: {url}  (saves to {options.out_path.resolve()}; Ctrl-C stops it)")
        if open_browser:
            import threading
            import webbrowser

            threading.Timer(1.0, webbrowser.open, args=(url,)).start()
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        server.run(sockets=[sock])
    finally:
        sock.close()
