"""``RunConfig``: one typed description of a dataset run, shared by the CLI and the Python API.

>>> from attack_recipe.evaluation.config import RunConfig, run_from_config
>>> outcome = run_from_config(RunConfig(recipe="deepwordbug", model="toy-sentiment",
...                                     dataset="reviews.csv", num_examples=10))  # doctest: +SKIP

The CLI's ``run`` options map one to one onto these fields; the CLI only parses, prints and
translates errors into exit codes.

This module is the config itself. Loading what it names and running it (:func:`prepare`,
:func:`execute`, :func:`run_from_config`, :class:`PreparedRun`) live in :mod:`.runner`, ``-O``
option parsing and recipe building (:func:`parse_recipe_option`, :func:`build_recipe`) in
:mod:`.recipe_options`; all are importable from here too, the documented entry point.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .recipe_options import valid_only_default

DEFAULT_RECIPE = "textfooler"
DEFAULT_MODEL = "sentiment-minilm"
DEFAULT_DATASET = "tweets"  # the built-in victim's own test set, used only when no model is given
#: seconds one example may take before its result is ``failed`` with reason ``timeout``: far above what
#: a normal example needs (seconds; a minute for a long text on a transformer victim), low enough
#: that one pathological row cannot hold a run for hours
DEFAULT_EXAMPLE_TIMEOUT = 300.0


def sanitise(name: str, max_len: int = 60) -> str:
    """A file-name-safe slug of a model or dataset spec (``org/model`` → ``org-model``, a path → its stem)."""
    text = str(name).rstrip("/\\")
    path = Path(text)
    looks_like_file = bool(path.suffix) and path.suffix[1:].isalnum() and len(path.suffix) <= 6
    if path.is_absolute() or text.startswith((".", "~")) or looks_like_file or path.exists():
        text = path.stem if looks_like_file else path.name
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return slug[:max_len] or "run"


def _missing_local_path(spec: Any) -> bool:
    """A model spec that is clearly a filesystem path (not a hub id or entry point) and does not exist."""
    from ..resources.paths import looks_like_path

    return isinstance(spec, str) and ":" not in spec.split("/")[0] and looks_like_path(spec) and not Path(spec).expanduser().exists()


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines a dataset run. ``None`` means "the default" (see each field)."""

    recipe: str = DEFAULT_RECIPE
    #: a victim spec (name, path, module:attr, URL, hub id) or a Victim object; None: the built-in
    #: sentiment-minilm victim
    model: Any = None
    dataset: str | None = None  # None: "tweets" if model is None, else required
    split: str | None = "test"
    num_examples: int = 50
    offset: int = 0
    seed: int = 0
    query_budget: int | None = None
    out_dir: str | None = None  # None: runs/<recipe>-<model>-<dataset>-s<seed>
    text_column: str | None = None
    label_column: str | None = None
    device: str | None = None
    batch_size: int | None = None
    overwrite: bool = False  # discard results already in out_dir instead of resuming them
    #: measure each success's perplexity ratio and independent similarity; None: on, unless the
    #: environment says ATTACK_RECIPE_VALIDITY=0 (as the CLI's --validity/--no-validity)
    validity: bool | None = None
    preset: str | None = None  # e.g. "strict": tighter constraints for word-swap recipes (recipes/presets.py)
    judge: bool = True  # give every success the validity judge's verdict (evaluation/judge.py)
    #: search for judge-accepted successes only (rejected ones are dead ends); None: the recipe's
    #: default (recipe_options.valid_only_default). Needs the judge.
    valid_only: bool | None = None
    #: seconds per example before it fails with reason "timeout"; 0 or None: no limit
    example_timeout: float | None = DEFAULT_EXAMPLE_TIMEOUT
    #: keyword arguments for the recipe factory, as (name, value) pairs, e.g. (("mlm", "bert-base-uncased"),)
    recipe_options: tuple[tuple[str, Any], ...] = ()
    #: options of an http(s) victim (models/http.py), None: HttpVictim's defaults. Seconds per
    #: request; retries after the first try; the first backoff in seconds (doubled per retry).
    http_timeout: float | None = None
    http_retries: int | None = None
    http_backoff: float | None = None
    #: extra request headers as (name, value) pairs ("Name: value" strings are accepted too). Their
    #: values may be credentials: to_dict (what run.json / summary.json record) keeps the names only.
    http_headers: tuple[tuple[str, str], ...] = ()
    #: column holding each row's id in a local file (resources/datasets); None: "id" if present,
    #: else ids are positions
    id_column: str | None = None
    #: processes attacking examples at once, each with its own victim, attack and judge built from this
    #: config (evaluation/executors.py). None: 1 on the local backend, on Ray one per CPU of the
    #: cluster (per GPU where it has GPUs). Results are the same for any number: not in the fingerprint.
    workers: int | None = None
    #: where the workers run: "local" (processes on this machine) or "ray" (a Ray cluster; needs
    #: ``pip install attack-recipe[ray]``). Not in the fingerprint either.
    backend: str = "local"
    #: the Ray cluster to join (``ray.init``'s address: "auto", "ray://head:10001", "10.0.0.5:6379");
    #: None: ray.init's default ($RAY_ADDRESS, else the cluster last started on this machine, else a
    #: Ray instance started for the run)
    ray_address: str | None = None
    #: in a greedy step, check the constraints before the victim or after it (attacks/ordering.py):
    #: "auto" measures which is cheaper on the first example; "constraints-first"; "victim-first".
    #: The same texts either way, so not in the fingerprint; the choice is recorded in run.json.
    order: str = "auto"
    #: numeric precision of the sentence encoder behind the recipe's similarity constraints
    #: (resources/encoder.py ``PRECISIONS``): "float32", or "bfloat16", about 2.5x faster on CPUs with
    #: AVX512-BF16 and within ~0.003 of float32's cosines. Changes decisions at the threshold, so it is
    #: part of the attack's repr (the fingerprint) when not float32.
    encoder_precision: str = "float32"

    def __post_init__(self) -> None:
        self._check_http_options()
        self._check_execution_options()
        from .. import registry
        from ..errors import UnknownNameError

        try:  # "PWWS" is pwws everywhere after this (the fingerprint, valid_only_default, folder names)
            object.__setattr__(self, "recipe", registry.canonical_name("recipe", self.recipe))
        except UnknownNameError:
            pass  # prepare() raises it with the did-you-mean, after cheaper checks
        if self.model is not None and _missing_local_path(self.model):
            from ..errors import ResourceNotFoundError

            raise ResourceNotFoundError(
                f"victim model {self.model!r}", [f"model path {Path(self.model).expanduser().resolve()} does not exist"],
                "check the path; a model folder holds config.json, weights and tokenizer files (save_pretrained)",
            )
        if self.dataset is None:
            if self.model is not None:
                raise UsageError(
                    f"a dataset is required with model {self.model!r}: pass --dataset "
                    "(a built-in name, a .csv/.jsonl file or a Hugging Face dataset id)"
                )
            object.__setattr__(self, "dataset", DEFAULT_DATASET)
        if self.valid_only and not self.judge:
            raise UsageError("a valid-only search needs the judge: drop --no-judge, or pass --allow-invalid")
        options = tuple((str(k), v) for k, v in (self.recipe_options or ()))  # JSON gives lists back
        object.__setattr__(self, "recipe_options", options)
        if self.out_dir is not None and not str(self.out_dir).strip():
            raise UsageError("--out is empty: name a folder for the run's files (or leave --out out for the default)")
        timeout = self.example_timeout
        if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float))
                                    or not math.isfinite(timeout) or timeout < 0):
            raise UsageError(f"example_timeout must be a number of seconds >= 0 (0: no limit), got {timeout!r}")
        for name, low in (("num_examples", 1), ("offset", 0), ("seed", 0), ("query_budget", 1), ("batch_size", 1)):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < low):
                raise UsageError(f"{name} must be an integer >= {low}, got {value!r}")

    def _check_execution_options(self) -> None:
        from .executors import BACKENDS

        if self.backend not in BACKENDS:
            raise UsageError(f"backend must be one of {', '.join(BACKENDS)}, got {self.backend!r}")
        workers = self.workers
        if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
            raise UsageError(f"workers must be an integer >= 1, got {workers!r}")
        from ..attacks.ordering import check_order

        check_order(self.order)
        from ..resources.encoder import check_precision

        check_precision(self.encoder_precision)
        if self.ray_address is not None and self.backend != "ray":
            raise UsageError(f"--ray-address applies to --backend ray only (the backend is {self.backend!r})")

    @property
    def parallel(self) -> bool:
        """Whether examples are attacked outside this process (worker processes or Ray actors)."""
        return self.backend != "local" or (self.workers or 1) > 1

    @property
    def model_name(self) -> str:
        """The victim as a name: its spec, or a Victim object's ``name``."""
        if self.model is None:
            return DEFAULT_MODEL
        if isinstance(self.model, str):
            from ..models.http import redact_url  # light: no httpx at import

            return redact_url(self.model)  # no user:password@ of a URL in run.json, summaries or reports
        return str(getattr(self.model, "name", type(self.model).__name__))

    @property
    def resolved_validity(self) -> bool:
        if self.validity is not None:
            return bool(self.validity)
        return os.environ.get("ATTACK_RECIPE_VALIDITY", "1").strip().lower() not in ("0", "false", "no", "off")

    @property
    def resolved_valid_only(self) -> bool:
        """Whether the run's search keeps only judge-accepted successes (never without the judge)."""
        if not self.judge:
            return False
        if self.valid_only is not None:
            return bool(self.valid_only)
        return valid_only_default(self.recipe, self.preset)

    @property
    def resolved_out_dir(self) -> Path:
        if self.out_dir is not None:
            return Path(self.out_dir)
        parts = [sanitise(self.recipe), sanitise(self.model_name), sanitise(self.dataset or "data")]
        return Path("runs") / f"{'-'.join(parts)}-s{self.seed}"

    def _check_http_options(self) -> None:
        """Usage errors for bad --http-* values, or for --http-* with a victim that is no URL."""
        from ..models.http import header_pairs, validate_http_options
        from ..models.loading import is_http_spec

        validate_http_options(timeout=self.http_timeout, retries=self.http_retries, backoff=self.http_backoff)
        object.__setattr__(self, "http_headers", header_pairs(self.http_headers))
        if self.http_options and not is_http_spec(self.model):
            raise UsageError(f"--http-* options ({', '.join(sorted(self.http_options))}) apply to an "
                             f"http(s):// --model only, not to {self.model_name!r}")

    @property
    def http_options(self) -> dict[str, Any]:
        """The keyword arguments for HttpVictim that this config sets (load_victim's ``http=``)."""
        options = {"timeout": self.http_timeout, "retries": self.http_retries, "backoff": self.http_backoff}
        options = {k: v for k, v in options.items() if v is not None}
        if self.http_headers:
            options["headers"] = dict(self.http_headers)
        return options

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain data, header values left out (names only: they may be credentials)."""
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}  # no deep copy of a victim
        data["model"] = None if self.model is None else self.model_name
        data["recipe_options"] = [list(pair) for pair in self.recipe_options]
        data["http_headers"] = [name for name, _ in self.http_headers]
        return data


# Re-exported: ``from attack_recipe.evaluation.config import RunConfig, prepare, execute`` is the
# documented API (README, docs, CLI). Imported last because runner refers back to RunConfig.
from .recipe_options import build_recipe, parse_recipe_option  # noqa: E402
from .runner import PreparedRun, execute, prepare, run_from_config  # noqa: E402

__all__ = ["DEFAULT_DATASET", "DEFAULT_EXAMPLE_TIMEOUT", "DEFAULT_MODEL", "DEFAULT_RECIPE", "PreparedRun", "RunConfig", "build_recipe",
           "execute", "parse_recipe_option", "prepare", "run_from_config", "sanitise"]
