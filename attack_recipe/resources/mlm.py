"""Contextual word candidates for BAE and BERT-Attack: a masked LM, or the packaged causal LM offline.

Why a module of its own: both recipes ask the same question — "which whole words fit at position i of
this text?" — and the answer must come from a model that may or may not be on this machine. No masked
LM ships in any installable package, so the default (``bert-base-uncased``) only loads for users who are
online or have it in their Hugging Face cache. Everyone else gets the documented fallback: candidates
proposed and ranked by the packaged causal LM SmolLM2-135M (:class:`CausalWordProposer`).

Resolution order of :func:`resolve_masked_lm` (cheap: file-system and environment checks, one TCP probe):

1. ``spec`` when it is an existing folder (``save_pretrained`` output of any ``AutoModelForMaskedLM``);
   a spec that looks like a path but does not exist raises :class:`ResourceNotFoundError` at once;
2. ``$ATTACK_RECIPE_MLM`` (a folder or a hub id) when ``spec`` is the default;
3. the hub id, from the local Hugging Face cache, or from the hub when online;
4. the causal-LM fallback, announced by one logged warning per process and visible in the
   transformation's ``repr`` (so a run's fingerprint says which candidates it used).

``spec="causal-lm"`` asks for the fallback explicitly (same candidates online and offline).
"""

from __future__ import annotations

import functools
import logging
import os
import pathlib
import threading
from dataclasses import dataclass, field
from typing import Sequence

from ..errors import ResourceNotFoundError
from .paths import looks_like_path

logger = logging.getLogger(__name__)

DEFAULT_MLM = "bert-base-uncased"
ENV_VAR = "ATTACK_RECIPE_MLM"
CAUSAL_FALLBACK = "causal-lm"
FALLBACK_WARNING = ("no masked LM available offline; using contextual candidates from SmolLM2-135M "
                    "— see docs/recipes.md (BAE / BERT-Attack)")
MISSING_FOLDER_HINT = ("pass an existing folder holding a saved masked LM (model.save_pretrained + "
                       "tokenizer.save_pretrained), or a Hugging Face id such as 'bert-base-uncased'")

_warned = False
_warn_lock = threading.Lock()


@dataclass(frozen=True)
class MLMSource:
    """Where the candidates come from: ``kind`` is "folder", "hub-cache", "hub" or "causal-lm"."""

    kind: str
    location: str
    tried: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_fallback(self) -> bool:
        return self.kind == CAUSAL_FALLBACK

    def describe(self) -> str:
        if self.is_fallback:
            return "causal-lm fallback: SmolLM2-135M contextual candidates"
        return f"{self.kind}:{self.location}"


def _looks_like_path(spec: str) -> bool:
    """A folder the user meant, as opposed to a hub id ("org/name" has exactly one slash)."""
    if looks_like_path(spec):
        return True
    return "/" in spec and pathlib.Path(spec.split("/", 1)[0]).exists()


def _hub_cached(hub_id: str) -> bool:
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:  # pragma: no cover - transformers always brings it
        return False
    try:
        hit = try_to_load_from_cache(hub_id, "config.json")
    except Exception:  # noqa: BLE001 - a malformed id is simply "not cached"
        return False
    return isinstance(hit, str)


def check_spec(spec: str | None) -> None:
    """Raise :class:`ResourceNotFoundError` for a spec that names a folder that is not there.

    File-system checks only, so recipe factories can call it (a typo fails at construction, not
    after the first example).
    """
    if spec and spec != CAUSAL_FALLBACK:
        path = pathlib.Path(spec).expanduser()
        if not path.is_dir() and _looks_like_path(spec):
            what = "is a file, not a folder" if path.exists() else "does not exist"
            raise ResourceNotFoundError(f"masked language model {spec!r}", [f"local folder {path} ({what})"],
                                        MISSING_FOLDER_HINT)


def resolve_masked_lm(spec: str | None = DEFAULT_MLM) -> MLMSource:
    """Where candidates for ``spec`` come from on this machine (memoised per spec and environment)."""
    from .paths import network_allowed

    return _resolve(spec or DEFAULT_MLM, os.environ.get(ENV_VAR) or "", network_allowed())


@functools.lru_cache(maxsize=32)
def _resolve(spec: str, env: str, online: bool) -> MLMSource:
    from .paths import hub_reachable

    tried: list[str] = []
    if spec == CAUSAL_FALLBACK:
        return MLMSource(CAUSAL_FALLBACK, "packaged SmolLM2-135M", ("requested explicitly",))
    check_spec(spec)
    if pathlib.Path(spec).expanduser().is_dir():
        return MLMSource("folder", str(pathlib.Path(spec).expanduser()))
    if spec == DEFAULT_MLM and env:
        check_spec(env)
        if pathlib.Path(env).expanduser().is_dir():
            return MLMSource("folder", str(pathlib.Path(env).expanduser()))
        tried.append(f"${ENV_VAR}={env} (not a folder; treated as a hub id)")
        spec = env
    if _hub_cached(spec):
        return MLMSource("hub-cache", spec, tuple(tried))
    tried.append(f"Hugging Face cache: {spec!r} (not cached)")
    if online and hub_reachable():
        return MLMSource("hub", spec, tuple(tried))
    tried.append(f"Hugging Face hub {spec!r} ({'not reachable' if online else 'skipped: offline mode is set'})")
    return MLMSource(CAUSAL_FALLBACK, "packaged SmolLM2-135M", tuple(tried))


def warn_fallback_once(source: MLMSource) -> None:
    global _warned
    with _warn_lock:
        if _warned or "requested explicitly" in source.tried:
            return
        _warned = True
    logger.warning("%s (tried: %s)", FALLBACK_WARNING, "; ".join(source.tried))


# -- whole-word vocabulary filters -------------------------------------------------------------

_MARKERS = ("Ġ", "▁")


def word_tokens(tokenizer, vocabulary=None) -> tuple[list[int], list[str], list[bool]]:
    """Token ids that are whole alphabetic words, their lower-case word, and whether they start with
    a space marker ("Ġ"/"▁"). WordPiece continuation pieces ("##ing") and special tokens are left out;
    ``vocabulary`` (a container of lower-case words, e.g. the GloVe vocabulary as in Garg &
    Ramakrishnan's code) drops fragments such as "ing" that a tokenizer keeps as pieces."""
    special = set(getattr(tokenizer, "all_special_ids", []) or [])
    tokens = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
    ids, words, spaced = [], [], []
    for i, tok in enumerate(tokens):
        if i in special or not tok or tok.startswith("##"):
            continue
        marked = tok[0] in _MARKERS
        body = tok[1:] if marked else tok
        if not (body.isascii() and body.isalpha()) or (len(body) == 1 and body.lower() not in ("a", "i")):
            continue
        if vocabulary is not None and body.lower() not in vocabulary:
            continue
        ids.append(i)
        words.append(body.lower())
        spaced.append(marked)
    return ids, words, spaced


def is_whole_word(word: str, vocabulary=None) -> bool:
    from .embeddings import WORD_RE

    lowered = word.lower()
    return bool(WORD_RE.match(lowered)) and (vocabulary is None or lowered in vocabulary)


# -- masked LM ---------------------------------------------------------------------------------

class MaskedLM:
    """A Hugging Face masked LM and its (fast) tokenizer, batched; padding per batch, never to max length."""

    def __init__(self, model, tokenizer, name: str, batch_size: int = 32, max_length: int = 256):
        if not getattr(tokenizer, "is_fast", False):
            raise ResourceNotFoundError(f"fast tokenizer for masked LM {name!r}", ["AutoTokenizer(use_fast=True)"],
                                        "save the model with a tokenizer.json (a fast tokenizer)")
        if tokenizer.mask_token is None:
            raise ResourceNotFoundError(f"mask token of {name!r}", ["tokenizer.mask_token"],
                                        "use a masked language model (BERT, RoBERTa, ...), not a causal one")
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.name = name
        self.batch_size = batch_size
        self.max_length = max_length

    @property
    def mask_token(self) -> str:
        return self.tokenizer.mask_token

    def log_probs(self, texts: Sequence[str]):
        """Per text: (log-softmax over the vocabulary at every token [T, V], character offsets [T, 2])."""
        import torch

        out = []
        for start in range(0, len(texts), self.batch_size):
            chunk = list(texts[start:start + self.batch_size])
            enc = self.tokenizer(chunk, return_tensors="pt", padding=True, truncation=True,
                                 max_length=self.max_length, return_offsets_mapping=True)
            offsets = enc.pop("offset_mapping")
            with torch.inference_mode():
                logits = self.model(**enc).logits.float()
            lp = torch.log_softmax(logits, dim=-1)
            for row in range(len(chunk)):
                n = int(enc["attention_mask"][row].sum())
                out.append((lp[row, :n], offsets[row, :n], enc["input_ids"][row, :n]))
        return out

    def __repr__(self) -> str:
        return f"MaskedLM(name={self.name!r}, batch_size={self.batch_size}, max_length={self.max_length})"


@functools.lru_cache(maxsize=4)
def load_masked_lm(source: MLMSource) -> MaskedLM:
    """Load (once per source) the masked LM a non-fallback :class:`MLMSource` points at."""
    import torch
    from transformers import AutoModelForMaskedLM, AutoTokenizer

    local_only = source.kind != "hub"
    try:
        tok = AutoTokenizer.from_pretrained(source.location, use_fast=True, local_files_only=local_only)
        model = AutoModelForMaskedLM.from_pretrained(source.location, dtype=torch.float32,
                                                     local_files_only=local_only)
    except (OSError, ValueError) as exc:
        where = f"{source.kind} {source.location}"
        raise ResourceNotFoundError(
            f"masked language model {source.location!r}",
            [*source.tried, f"{where} ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"],
            MISSING_FOLDER_HINT) from exc
    return MaskedLM(model, tok, source.location)


# -- causal-LM fallback ------------------------------------------------------------------------

class CausalWordProposer:
    """Whole-word candidates for position i from a causal LM, using both sides of the context.

    1. Propose: the LM's next-token distribution after the words left of i; keep the ``proposals``
       most likely tokens that are whole words (space-marked when a space precedes the word).
    2. Rescore: log P(candidate | left) + log P(next ``right_tokens`` tokens | left, candidate) — the
       log-likelihood of the sentence up to a constant, with the right context cut at ``right_tokens``
       (None: all of it) — and keep the top k.

    Cost per position: one pass over the left context (its key/value cache is then shared by every
    candidate) plus one unpadded batch of ``proposals x (1 + right_tokens)`` tokens. The pieces are
    tokenized separately (left, candidate token, right), so all candidates of a position have the
    same length.
    """

    def __init__(self, lm, vocabulary=None, right_tokens: int | None = 3):
        self.lm = lm
        self.right_tokens = right_tokens
        tok = lm.tokenizer
        ids, words, spaced = word_tokens(tok, vocabulary)
        self._spaced = [(i, w) for i, w, s in zip(ids, words, spaced) if s]
        self._bare = [(i, w) for i, w, s in zip(ids, words, spaced) if not s]
        self._prefix = [tok.eos_token_id] if tok.eos_token_id is not None else []

    def _encode(self, text: str) -> list[int]:
        return self.lm.tokenizer(text, add_special_tokens=False)["input_ids"] if text else []

    def propose(self, requests: Sequence[tuple[str, str]], k: int, proposals: int) -> list[list[tuple[str, float]]]:
        """``requests`` are (left text, right text) around the word; returns (word, score) best first."""
        return [self._one(left, right, k, proposals) for left, right in requests]

    def _one(self, left: str, right: str, k: int, proposals: int) -> list[tuple[str, float]]:
        import torch

        model = self.lm.model
        spaced = left.endswith((" ", "\t", "\n"))
        allowed = self._spaced if spaced else self._bare
        if not allowed:
            return []
        left_ids = self._prefix + self._encode(left[:-1] if spaced else left)
        right_ids = self._encode(right)[: self.right_tokens]
        with torch.inference_mode():
            first = model(input_ids=torch.tensor([left_ids]), use_cache=True)
            dist = torch.log_softmax(first.logits[0, -1].float(), dim=-1)
            allowed_ids = torch.tensor([i for i, _ in allowed])
            scores = dist[allowed_ids]
            top = torch.topk(scores, min(proposals, len(allowed))).indices
            cand_ids = allowed_ids[top]
            totals = scores[top].clone()
            if right_ids:
                cache = first.past_key_values
                cache.batch_repeat_interleave(len(cand_ids))
                seqs = torch.cat([cand_ids[:, None], torch.tensor([right_ids]).expand(len(cand_ids), -1)], dim=1)
                logits = model(input_ids=seqs, past_key_values=cache, use_cache=False).logits[:, :-1].float()
                lp = torch.log_softmax(logits, dim=-1)
                totals += lp.gather(2, seqs[:, 1:].unsqueeze(-1)).squeeze(-1).sum(1)
        best: dict[str, float] = {}
        for j, total in zip(top.tolist(), totals.tolist()):
            word = allowed[j][1]
            if word not in best or total > best[word]:
                best[word] = total
        return sorted(best.items(), key=lambda p: -p[1])[:k]


@functools.lru_cache(maxsize=2)
def load_causal_proposer(vocabulary_name: str | None = None) -> CausalWordProposer:
    """The packaged causal LM (``resources.lm``) as a word proposer, memoised per vocabulary."""
    from .lm import load_causal_lm

    return CausalWordProposer(load_causal_lm(), load_vocabulary(vocabulary_name))


def load_vocabulary(name: str | None):
    """The set of lower-case whole words candidates must belong to (None: no vocabulary check)."""
    if name is None:
        return None
    from .embeddings import load_word_embedding

    emb = load_word_embedding(name)
    return frozenset(getattr(emb, "words"))
