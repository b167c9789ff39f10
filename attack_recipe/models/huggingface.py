"""Hugging Face sequence classifiers as victims (black-box scores and white-box word gradients).

Inference pads each batch to its own longest text (never to the model's maximum length) and sorts a
call's texts by token length first, so that texts of similar length share a batch; the output rows
come back in the caller's order. ``word_gradients`` gives the loss gradient with respect to each
word's input embedding, the signal gradient-based ranking and swaps use.

Finding the model (folder, HF cache, hub) lives in :mod:`.hf_source`, picking the whole words of
its vocabulary in :mod:`.vocabulary`; ``looks_like_path``, ``resolve_model_source`` and
``whole_words`` are importable from here as before.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any, Sequence

from ..errors import UsageError
from ..resources.paths import looks_like_path
from .base import Victim, softmax
from .batching import batches, check_batch_size
from .hf_source import load_model_and_tokenizer, resolve_model_source
from .vocabulary import whole_words

__all__ = ["HuggingFaceVictim", "default_device", "looks_like_path", "resolve_model_source", "whole_words"]

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

logger = logging.getLogger(__name__)

#: Upper bound on the default truncation length (tokenizers often report a huge sentinel).
MAX_LENGTH_CAP = 512


def default_device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class HuggingFaceVictim(Victim):
    """A ``transformers`` sequence-classification model plus its tokenizer.

    Args:
        model: an ``AutoModelForSequenceClassification``-like module returning ``.logits``.
        tokenizer: its (preferably fast) tokenizer.
        name: shown in reprs and results; defaults to the model's ``name_or_path``.
        device: ``"cuda"`` if available else ``"cpu"`` unless given.
        batch_size: texts per forward pass.
        max_length: truncation length in tokens; default ``min(tokenizer.model_max_length, 512)``.
        labels: class names in logit order; default from ``config.id2label`` (``LABEL_i`` fallback).
    """

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        name: str | None = None,
        device: str | None = None,
        batch_size: int = 32,
        max_length: int | None = None,
        labels: Sequence[str] | None = None,
    ):
        check_batch_size(batch_size)
        if max_length is not None and (not isinstance(max_length, int) or max_length < 2):
            raise UsageError(f"expected max_length >= 2 or None, got {max_length!r}")
        self.device = str(device or default_device())
        self._model = model.to(self.device).eval()
        self._tokenizer = tokenizer
        if getattr(tokenizer, "pad_token_id", None) is None:  # GPT-style tokenizers have no pad token
            if getattr(tokenizer, "eos_token", None) is None:
                raise UsageError("the tokenizer has neither a pad token nor an eos token to pad with")
            tokenizer.pad_token = tokenizer.eos_token
            if getattr(model.config, "pad_token_id", None) is None:
                model.config.pad_token_id = tokenizer.pad_token_id
        self.batch_size = batch_size
        self.max_length = max_length or self._default_max_length()
        self._name = name or str(getattr(model.config, "name_or_path", "") or getattr(model, "name_or_path", "") or type(model).__name__)
        self.labels = tuple(labels) if labels is not None else self._labels_from_config()
        num_labels = int(getattr(model.config, "num_labels", len(self.labels)))
        if len(self.labels) != num_labels:
            raise UsageError(f"got {len(self.labels)} label names {list(self.labels)} for a model with {num_labels} outputs")
        if num_labels < 2:
            raise UsageError(
                f"model {self._name!r} has {num_labels} output; a classifier victim needs at least 2 classes "
                "(regression heads are not supported)"
            )

    # ----------------------------------------------------------------- construction
    @classmethod
    def from_pretrained(
        cls,
        name_or_path: str | os.PathLike,
        device: str | None = None,
        batch_size: int = 32,
        max_length: int | None = None,
        *,
        name: str | None = None,
        **model_kwargs: Any,
    ) -> "HuggingFaceVictim":
        """Load a model id or a local folder (config.json + weights + tokenizer files).

        ``model_kwargs`` go to ``AutoModelForSequenceClassification.from_pretrained``.
        """
        source = resolve_model_source(name_or_path)
        model, tokenizer = load_model_and_tokenizer(source, model_kwargs)
        logger.debug("loaded %s (%s)", source, type(model).__name__)
        return cls(model, tokenizer, name=name or os.fspath(name_or_path), device=device, batch_size=batch_size, max_length=max_length)

    def _default_max_length(self) -> int:
        limit = getattr(self._tokenizer, "model_max_length", None) or MAX_LENGTH_CAP
        positions = getattr(self._model.config, "max_position_embeddings", None)
        if positions:
            limit = min(limit, positions)
        return int(min(limit, MAX_LENGTH_CAP))

    def _labels_from_config(self) -> tuple[str, ...]:
        config = self._model.config
        n = int(getattr(config, "num_labels", 0) or len(getattr(config, "id2label", {}) or {}))
        id2label = {int(k): str(v) for k, v in (getattr(config, "id2label", None) or {}).items()}
        return tuple(id2label.get(i, f"LABEL_{i}") for i in range(n))

    # ----------------------------------------------------------------- accessors
    @property
    def name(self) -> str:
        return self._name

    @property
    def model(self):
        return self._model

    @property
    def tokenizer(self):
        return self._tokenizer

    def embedding_matrix(self) -> "np.ndarray":
        """The input (token) embedding matrix, shape (vocab_size, dim), as float32 numpy."""
        return self._model.get_input_embeddings().weight.detach().float().cpu().numpy()

    def word_vocabulary(self) -> "tuple[tuple[str, ...], np.ndarray]":
        """The tokenizer entries that are whole alphabetic words, and their input-embedding rows.

        What gradient (HotFlip) swaps may insert: a word the model reads as one token, so the
        first-order estimate ``(e_w - e_i) . grad_i`` is about the embedding it will really see.
        WordPiece continuations (``##ing``), special tokens and pieces that are not a word start
        under a SentencePiece (``▁``) or byte-level BPE (``Ġ``) vocabulary are left out; the marker
        is stripped. A cased vocabulary keeps only its lower-case entries (swaps take the original
        word's case). Computed once per victim: shape ``(len(words), dim)``, float32.
        """
        cached = getattr(self, "_word_vocabulary", None)
        if cached is None:
            import numpy as np

            vocab = self._tokenizer.get_vocab()  # token -> id
            words, rows = whole_words(vocab, set(getattr(self._tokenizer, "all_special_tokens", ())))
            matrix = self.embedding_matrix()[np.asarray(rows, dtype=np.int64)] if rows else \
                np.zeros((0, self.embedding_matrix().shape[1]), dtype=np.float32)
            cached = self._word_vocabulary = (tuple(words), np.ascontiguousarray(matrix))
        return cached

    def word_embeddings(self, words: Sequence[str]) -> "list[np.ndarray | None]":
        """Each word's input embedding: the mean of its sub-word rows (None for a word with no tokens).

        What gradient pre-ranking (attacks/search/prerank.py) compares with :meth:`word_gradients`,
        whose rows sum a word's sub-word gradients. Remembered per word."""
        cache = self.__dict__.setdefault("_word_embedding_cache", {})
        todo = [w for w in dict.fromkeys(str(w) for w in words) if w not in cache]
        if todo:
            matrix = self._embedding_rows()
            ids = self._tokenizer(todo, add_special_tokens=False)["input_ids"]
            for word, rows in zip(todo, ids):
                cache[word] = matrix[rows].mean(axis=0) if rows else None
        return [cache[str(w)] for w in words]

    def _embedding_rows(self) -> "np.ndarray":
        """:meth:`embedding_matrix`, copied out of the model once (for :meth:`word_embeddings`)."""
        if getattr(self, "_embedding_matrix", None) is None:
            self._embedding_matrix = self.embedding_matrix()
        return self._embedding_matrix

    def __repr__(self) -> str:
        return (
            f"HuggingFaceVictim(name={self._name!r}, device={self.device!r}, batch_size={self.batch_size}, "
            f"max_length={self.max_length}, labels={list(self.labels)})"
        )

    # ----------------------------------------------------------------- inference
    def _encode(self, texts: Sequence[str]) -> dict[str, list[list[int]]]:
        return self._tokenizer(
            list(texts), truncation=True, max_length=self.max_length, padding=False, return_attention_mask=True
        )

    def _pad(self, features: dict[str, list[list[int]]], rows: Sequence[int]):
        """Pad the selected rows to their own longest length; returns tensors on the model's device."""
        import torch

        length = max(len(features["input_ids"][r]) for r in rows)
        left = getattr(self._tokenizer, "padding_side", "right") == "left"
        pad_values = {"input_ids": self._tokenizer.pad_token_id, "attention_mask": 0, "token_type_ids": getattr(self._tokenizer, "pad_token_type_id", 0)}
        batch = {}
        for key, pad in pad_values.items():
            if key not in features:
                continue
            padded = []
            for r in rows:
                seq = list(features[key][r])
                fill = [pad] * (length - len(seq))
                padded.append(fill + seq if left else seq + fill)
            batch[key] = torch.tensor(padded, dtype=torch.long, device=self.device)
        return batch

    def logits(self, texts: Sequence[str]) -> "np.ndarray":
        """Raw logits (float64, caller's order) for ``texts``."""
        import numpy as np
        import torch

        texts = list(texts)
        if not texts:
            return np.zeros((0, self.num_labels))
        features = self._encode(texts)
        order = sorted(range(len(texts)), key=lambda i: len(features["input_ids"][i]), reverse=True)
        out = np.empty((len(texts), self.num_labels), dtype=np.float64)
        with torch.inference_mode():
            for rows in batches(order, self.batch_size):
                logits = self._model(**self._pad(features, rows)).logits
                out[rows] = logits.double().cpu().numpy()
        return out

    def _predict(self, texts: Sequence[str]) -> "np.ndarray":
        return softmax(self.logits(texts))

    # ----------------------------------------------------------------- gradients
    def word_gradients(self, words: Sequence[str], label: int | str) -> "np.ndarray":
        """Gradient of cross-entropy(``label``) w.r.t. each word's input embedding, shape (len(words), dim).

        Sub-word rows of a word are summed; words with no tokens (empty, or cut by truncation) get zeros.
        """
        import numpy as np
        import torch

        words = [str(w) for w in words]
        column = self.label_index(label)
        embedding = self._model.get_input_embeddings()
        dim = embedding.weight.shape[1]
        result = np.zeros((len(words), dim), dtype=np.float64)
        if not words:
            return result
        encoding = self._tokenizer(
            words, is_split_into_words=True, truncation=True, max_length=self.max_length, return_tensors="pt"
        )
        word_ids = encoding.word_ids(0)
        inputs = {k: v.to(self.device) for k, v in encoding.items() if k != "input_ids"}
        with torch.enable_grad():
            embeds = embedding(encoding["input_ids"].to(self.device)).detach().requires_grad_(True)
            logits = self._model(inputs_embeds=embeds, **inputs).logits
            loss = torch.nn.functional.cross_entropy(logits.float(), torch.tensor([column], device=self.device))
            (grad,) = torch.autograd.grad(loss, embeds)
        grad = grad[0].double().cpu().numpy()
        for position, word in enumerate(word_ids):
            if word is not None:
                result[word] += grad[position]
        return result
