"""Sentence-level rewrites: candidate texts that paraphrase the whole text.

Unlike word swaps, a paraphrase ignores word positions: every candidate is
``text.rewrite(paraphrase)`` (:meth:`~attack_recipe.core.text.AttackedText.rewrite`), a new word
grid that remembers the true original, so constraints that bound the drift from the original still
apply and the step can be replayed from the result's edits.

``generator`` is a model name or folder (loaded lazily, on first use, through
:func:`attack_recipe.resources.generator.load_generator`; ``None`` = packaged SmolLM2-135M-Instruct)
or any callable ``generator(text, n, seed) -> list[str]`` (tests use a small deterministic one).
"""

from __future__ import annotations

from typing import Callable, Iterable

from ...errors import UsageError
from ...core.text import AttackedText
from ...resources.lazy import load_once
from .base import Transformation

GeneratorFn = Callable[[str, int, int], "list[str]"]


class Paraphrase(Transformation):
    """``num_candidates`` sampled paraphrases of the whole text (``indices`` are ignored).

    The sampling seed is drawn from the run's RNG, so the same example gives the same candidates.
    :meth:`generate` also returns how many texts were sampled (the generation cost); in a search it is
    called through ``SearchContext.generate``, which times it and adds that count to the run state,
    apart from victim queries.
    """

    def __init__(self, generator: str | GeneratorFn | None = None, num_candidates: int = 8,
                 temperature: float = 0.8, top_p: float = 0.95, max_new_tokens: int = 48,
                 instruction: str | None = None):
        if num_candidates < 1:
            raise UsageError(f"num_candidates must be >= 1, got {num_candidates}")
        if generator is None or isinstance(generator, str):
            self.generator = generator or "smollm2-135m-instruct"
            self._generator: GeneratorFn | None = None
            self._spec = generator
        else:
            if not callable(generator):
                raise UsageError(f"generator must be a model name, a folder or a callable, got {generator!r}")
            self.generator = getattr(generator, "name", None) or getattr(generator, "__name__", "custom")
            self._generator = generator
        self.num_candidates = num_candidates
        self.temperature = temperature
        self.top_p = top_p
        self.max_new_tokens = max_new_tokens
        self.instruction = instruction

    def _model(self) -> GeneratorFn:
        return load_once(self, "_generator", self._load_generator)

    def _load_generator(self) -> GeneratorFn:
        from ...resources.generator import load_generator

        options = dict(temperature=self.temperature, top_p=self.top_p, max_new_tokens=self.max_new_tokens)
        if self.instruction is not None:
            options["instruction"] = self.instruction
        return load_generator(self._spec, **options)

    def generate(self, text: AttackedText, rng=None) -> tuple[list[AttackedText], int]:
        """(distinct rewrites of ``text``, number of texts sampled)."""
        seed = int(rng.integers(0, 2**31 - 1)) if rng is not None else 0
        model = self._model()
        outputs = list(model(text.text, self.num_candidates, seed))
        sampled = int(getattr(model, "last_sampled", 0) or len(outputs))
        seen = {text.text}
        candidates = []
        for out in outputs:
            if out and out not in seen and AttackedText(out).num_words:
                seen.add(out)
                candidates.append(text.rewrite(out))
        return candidates, sampled

    def __call__(self, text: AttackedText, indices: Iterable[int], rng=None) -> list[AttackedText]:
        return self.generate(text, rng)[0]

    def propose(self, text: AttackedText, indices: Iterable[int], ctx) -> list[AttackedText]:
        """Through ``ctx.generate``: timed as generator seconds and counted in ``generated``."""
        return ctx.generate(self, text)
