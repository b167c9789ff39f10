"""Which entries of a sub-word vocabulary are whole words (what gradient swaps may insert).

A word the model reads as one token is one whose first-order estimate ``(e_w - e_i) . grad_i`` is
about the embedding the model will really see; this module finds those entries for WordPiece,
SentencePiece (``\u2581``) and byte-level BPE (``\u0120``) vocabularies.
"""

from __future__ import annotations


#: Word-start markers of SentencePiece (``▁``) and byte-level BPE (``Ġ``) vocabularies.
WORD_START_MARKERS = ("\u2581", "\u0120")


def whole_words(vocab: dict[str, int], special: set[str] = frozenset()) -> tuple[list[str], list[int]]:
    """(words, token ids) of the vocabulary entries that are whole alphabetic words, in id order.

    With a word-start marker in use (most entries of a SentencePiece / BPE vocabulary carry one),
    only marked entries count as words; otherwise (WordPiece) every entry but ``##`` continuations.
    The first id wins for a word that appears twice (e.g. ``▁word`` and ``word``).
    """
    tokens = sorted(vocab.items(), key=lambda kv: kv[1])
    marker = None
    for m in WORD_START_MARKERS:
        if sum(1 for t, _ in tokens if t.startswith(m)) > len(tokens) // 10:
            marker = m
            break
    words: list[str] = []
    ids: list[int] = []
    seen: set[str] = set()
    for token, index in tokens:
        if token in special:
            continue
        if marker is not None:
            if not token.startswith(marker):
                continue
            word = token[len(marker):]
        elif token.startswith("##"):
            continue
        else:
            word = token
        if not (word.isascii() and word.isalpha()) or word != word.lower() or word in seen:
            continue
        seen.add(word)
        words.append(word)
        ids.append(index)
    return words, ids
