"""Paraphrase generator: N sampled rewrites of a sentence from a language model, batched and seeded.

Why a module of its own: a paraphrase attack spends most of its time here, not in the victim, so
generation must be bounded (new tokens proportional to the sentence, stop at the end of the line),
batched (one ``generate`` call returns all N samples of a round) and reproducible (the caller passes
a seed drawn from the example's RNG; torch's global RNG is forked, not disturbed).

Models (:func:`load_generator`):

* default: the packaged SmolLM2-135M-Instruct, the same model :mod:`attack_recipe.resources.lm` loads
  (and memoises) for perplexity, prompted through its chat template with :data:`DEFAULT_INSTRUCTION`;
* any Hugging Face causal LM (chat template used when the tokenizer has one, a plain
  ``instruction / sentence / Paraphrase:`` prompt otherwise) or seq2seq model (T5, BART, PEGASUS
  paraphrasers: ``prefix + sentence`` as input) by hub id (online) or local folder.

Raw outputs are cleaned (:func:`clean_paraphrase`): first real line only, prefixes such as
"Paraphrase:" and surrounding quotes stripped; empty outputs and copies of the input are dropped.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Sequence

from ..errors import ResourceNotFoundError, UsageError
from .lm import INSTALL as LM_INSTALL
from .paths import hub_reachable, install_hint, network_allowed

DEFAULT_INSTRUCTION = "Paraphrase this sentence, keeping its meaning. Reply with the paraphrase only."
DEFAULT_SYSTEM = "You rewrite sentences."
INSTALL = install_hint(LM_INSTALL)  # for a named model that cannot be had: the packaged default needs no network

_PREFIX = re.compile(
    r"^\s*(?:(?:here\s+is|here's)[^:]*:|(?:a\s+|the\s+)?(?:possible\s+)?"
    r"(?:paraphrase[sd]?|paraphrased|rephrased|rewritten|reworded|revised|new)"
    r"(?:\s+(?:version|sentence|text))?(?:\s+of\s+the\s+sentence)?\s*[:\-–]|output\s*:|answer\s*:)\s*",
    re.IGNORECASE,
)
_QUOTES = "\"'“”‘’«»`"
#: "To paraphrase this sentence, we could rephrase it to: ..." — a short introduction that names the task
_INTRO = re.compile(r"^([^:\"“]{0,100}\b(?:paraphras|rephras|rewrit|reword|sentence|version)[^:\"“]{0,60}):\s*(\S.*)$",
                    re.IGNORECASE)


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def clean_paraphrase(raw: str, source: str, max_ratio: float = 3.0) -> str | None:
    """The usable paraphrase in ``raw``, or None (empty, a copy of ``source``, or a runaway output).

    Keeps the first line that is not an introduction ending in ":", strips a leading
    "Paraphrase:"-style label and surrounding quotes, and collapses spaces.
    """
    line = ""
    for candidate in raw.strip().splitlines():
        candidate = candidate.strip()
        if not candidate:
            continue
        if candidate.endswith(":") and len(candidate.split()) <= 12:
            continue  # "Here's a rephrased version of the sentence:"
        line = candidate
        break
    for _ in range(2):
        line = _PREFIX.sub("", line).strip()
        intro = _INTRO.match(line)
        if intro:
            line = intro.group(2).strip()
        if len(line) >= 2 and line[0] in _QUOTES and line[-1] in _QUOTES:
            line = line[1:-1].strip()
        elif line[:1] in '"“«' and not any(q in line[1:] for q in '"“”«»'):
            line = line[1:].strip()  # an opening quote the token limit cut off
    line = " ".join(line.split())
    if not line or _normal(line) == _normal(source):
        return None
    if len(line.split()) > max_ratio * max(1, len(source.split())) + 5:
        return None
    return line


class Paraphraser:
    """``paraphraser(text, n, seed) -> list[str]``: n sampled rewrites of ``text``, cleaned and distinct.

    Every raw sample counts in ``last_sampled`` (what the generation cost), whether or not it
    survived cleaning.
    """

    def __init__(self, model, tokenizer, name: str, *, instruction: str = DEFAULT_INSTRUCTION,
                 system: str | None = DEFAULT_SYSTEM, temperature: float = 0.8, top_p: float = 0.95,
                 max_new_tokens: int = 48):
        if temperature <= 0:
            raise UsageError(f"temperature must be > 0 for sampling, got {temperature}")
        if not 0 < top_p <= 1:
            raise UsageError(f"top_p must be in (0, 1], got {top_p}")
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.name = name
        self.instruction = instruction
        self.system = system
        self.temperature = temperature
        self.top_p = top_p
        self.max_new_tokens = max_new_tokens
        self.seq2seq = bool(getattr(model.config, "is_encoder_decoder", False))
        self.last_sampled = 0

    def prompt(self, text: str) -> str:
        if self.seq2seq:
            return f"{self.instruction}{text}" if self.instruction else text
        if getattr(self.tokenizer, "chat_template", None):
            messages = [{"role": "system", "content": self.system}] if self.system else []
            messages.append({"role": "user", "content": f"{self.instruction}\n\n{text}"})
            return self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return f"{self.instruction}\n{text}\nParaphrase:"

    def _budget(self, text: str) -> int:
        """New tokens: enough for a rewrite a bit longer than the input, never above ``max_new_tokens``."""
        n = len(self.tokenizer(text, add_special_tokens=False)["input_ids"])
        return max(8, min(self.max_new_tokens, int(1.5 * n) + 8))

    def __call__(self, text: str, n: int, seed: int) -> list[str]:
        import torch

        tok = self.tokenizer
        enc = tok([self.prompt(text)], return_tensors="pt", add_special_tokens=self.seq2seq)
        pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        kwargs = dict(do_sample=True, temperature=self.temperature, top_p=self.top_p, top_k=0,
                      max_new_tokens=self._budget(text), num_return_sequences=n, pad_token_id=pad)
        if not self.seq2seq:
            kwargs.update(stop_strings=["\n"], tokenizer=tok)  # one line is one paraphrase
        with torch.random.fork_rng(), torch.inference_mode():  # CPU and any CUDA generator
            torch.manual_seed(int(seed))
            out = self.model.generate(**enc, **kwargs)
        if not self.seq2seq:
            out = out[:, enc["input_ids"].shape[1]:]
        raw = tok.batch_decode(out, skip_special_tokens=True)
        self.last_sampled = len(raw)
        seen: set[str] = set()
        cleaned: list[str] = []
        for r in raw:
            c = clean_paraphrase(r, text)
            if c is not None and c not in seen:
                seen.add(c)
                cleaned.append(c)
        return cleaned

    def __repr__(self) -> str:
        return (f"Paraphraser(name={self.name!r}, temperature={self.temperature}, top_p={self.top_p}, "
                f"max_new_tokens={self.max_new_tokens})")


@functools.lru_cache(maxsize=4)
def _load_model(name_or_path: str | None):
    """(model, tokenizer, name); the packaged SmolLM2 comes from :func:`~.lm.load_causal_lm` (shared)."""
    import torch

    if not name_or_path:
        from .lm import load_causal_lm

        lm = load_causal_lm()
        return lm.model, lm.tokenizer, lm.name
    from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer

    path = Path(name_or_path).expanduser()
    tried = []
    if path.is_dir():
        source = str(path)
    elif not network_allowed():
        tried.append(f"{name_or_path}: not a local folder; hub not tried (offline)")
        raise ResourceNotFoundError("paraphrase generator", tried, INSTALL)
    elif not hub_reachable():  # one short probe instead of huggingface_hub's retries (~25 s per file)
        tried.append(f"{name_or_path}: not a local folder; the Hugging Face hub is not reachable from this machine")
        raise ResourceNotFoundError("paraphrase generator", tried, INSTALL)
    else:
        source = name_or_path
    try:
        config = AutoConfig.from_pretrained(source)
        cls = AutoModelForSeq2SeqLM if getattr(config, "is_encoder_decoder", False) else AutoModelForCausalLM
        model = cls.from_pretrained(source, dtype=torch.float32)
        tokenizer = AutoTokenizer.from_pretrained(source)
    except OSError as exc:
        tried.append(f"{source!r}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        raise ResourceNotFoundError("paraphrase generator", tried, INSTALL) from exc
    return model, tokenizer, source


def load_generator(name_or_path: str | None = None, **options) -> Paraphraser:
    """A :class:`Paraphraser` over the named model (default: packaged SmolLM2-135M-Instruct).

    The model is loaded once per name and shared; ``options`` (instruction, temperature, top_p,
    max_new_tokens, system) configure this paraphraser only.
    """
    model, tokenizer, name = _load_model(name_or_path or None)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if getattr(model.config, "is_encoder_decoder", False) and "instruction" not in options:
        options["instruction"] = "paraphrase: "  # the T5-paraphraser convention
    return Paraphraser(model, tokenizer, name, **options)


__all__ = ["Paraphraser", "load_generator", "clean_paraphrase", "DEFAULT_INSTRUCTION"]
