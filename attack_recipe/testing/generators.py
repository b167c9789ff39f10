"""A deterministic stand-in for a paraphrase generator, so paraphrase attacks test in milliseconds."""

from __future__ import annotations

import time

from ..core.text import AttackedText

#: Sentiment words → milder words the toy victim does not know (how a paraphrase loses the signal).
MILDER = {"good": "decent", "great": "grand", "love": "adore", "beautiful": "pretty", "wonderful": "lovely",
          "happy": "cheerful", "nice": "pleasant", "excellent": "superb", "best": "finest",
          "enjoyed": "relished", "boring": "dull", "terrible": "dreadful", "hate": "loathe",
          "awful": "dire", "worst": "poorest", "broken": "cracked", "ugly": "unsightly", "bad": "subpar",
          "sad": "glum", "disappointing": "underwhelming", "annoying": "irksome", "poor": "weak",
          "horrible": "grim"}

#: A fluent text that is not a paraphrase at all: the toy victim reads it as negative (no lexicon
#: words → 50/50, argmax 0), so it "succeeds" on every positive example unless similarity stops it.
OFF_TOPIC = "Tomorrow it may rain over the hills."


class FakeParaphraser:
    """``fake(text, n, seed)``: deterministic 'paraphrases' — rephrase the opening, soften one
    sentiment word — plus one off-topic text. The seed rotates their order (so it is observable)."""

    name = "fake-paraphraser"

    def __init__(self, delay: float = 0.002):
        self.delay = delay
        self.calls = []

    def __call__(self, text: str, n: int, seed: int) -> list[str]:
        time.sleep(self.delay)  # measurable generation time
        self.calls.append((text, n, seed))
        body = text[0].lower() + text[1:]
        lead = "" if text.startswith("Honestly") else "Honestly, "
        outs = [OFF_TOPIC]
        for word, milder in MILDER.items():
            for token in AttackedText(text).words:
                if token.lower() == word:
                    outs.append(lead + body.replace(token, milder, 1))
        outs.append(lead + body)
        k = seed % len(outs)
        outs = outs[k:] + outs[:k]
        return (outs * n)[:n]
