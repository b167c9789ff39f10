"""Nearest neighbours in GloVe 6B-50d before and after counter-fitting (issue 9), as Markdown.

    PYTHONPATH=$PWD python benchmarks/counterfit_neighbours.py [--n 5000] [--k 10 50] [--words good bad ...]

Prints (1) the top-10 neighbours of common sentiment words in both spaces, (2) among the top-k
neighbours of the N most frequent words, how many are WordNet antonyms / synonyms of the word. Two
antonym counts: ``antonyms()`` of the attacks' own filter (direct WordNet antonyms of any sense, the
check the recipes apply today) and the pairs the counter-fitting repelled (direct + synset-extended +
indirect). Builds the counter-fitted vectors first if they are not cached (a few minutes).
"""

from __future__ import annotations

import argparse
import sys
import time

WORDS = ("good", "bad", "excellent", "great", "love", "hate", "amazing", "awful", "happy", "sad", "best",
         "worst", "like", "thank", "terrible", "nice", "wonderful", "horrible", "boring", "beautiful",
         "fun", "stupid", "poor", "perfect")


def top_k(emb, rows, k):
    """Indices of the k nearest rows (cosine) for each of ``rows``, self excluded, most similar first."""
    import numpy as np

    out = np.empty((len(rows), k), dtype=np.int64)
    for start in range(0, len(rows), 1000):
        chunk = rows[start:start + 1000]
        sims = emb.matrix[chunk] @ emb.matrix.T
        sims[np.arange(len(chunk)), chunk] = -np.inf
        part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(sims, part, axis=1), axis=1, kind="stable")
        out[start:start + len(chunk)] = np.take_along_axis(part, order, axis=1)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="most frequent words to count over")
    parser.add_argument("--k", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--words", nargs="+", default=list(WORDS))
    args = parser.parse_args(argv)

    from attack_recipe.attacks.transformations.wordnet_swap import antonyms, synonyms
    from attack_recipe.resources.counterfit import NAME, counter_fitted_path, read_card, read_constraints
    from attack_recipe.resources.embeddings import load_word_embedding

    before = load_word_embedding("glove-6b-50d")
    started = time.perf_counter()
    after = load_word_embedding(NAME)
    card = read_card(counter_fitted_path()) or {}
    print(f"# {before.name} vs {after.name}\n")
    print(f"loaded/built in {time.perf_counter() - started:.1f} s; build card: params {card.get('params')}, "
          f"constraints {card.get('constraints', {}).get('synonyms')} synonym / "
          f"{card.get('constraints', {}).get('antonyms')} antonym pairs, used {card.get('pairs_used')}, "
          f"build {card.get('build_seconds')} s\n")

    print("## Top-10 neighbours (antonyms per WordNet marked with *)\n")
    print("| word | GloVe 6B-50d | counter-fitted |")
    print("|---|---|---|")
    for word in args.words:
        if word not in before:
            continue
        bad = antonyms(word)
        cells = []
        for emb in (before, after):
            cells.append(", ".join(f"{w}*" if w in bad else w for w, _ in emb.nearest(word, 10)))
        print(f"| {word} | {cells[0]} | {cells[1]} |")

    cons = read_constraints(counter_fitted_path())
    repelled = set(cons.antonyms)
    attracted = set(cons.synonyms)

    n = min(args.n, len(before))
    rows = list(range(n))
    kmax = max(args.k)
    print(f"\n## Among the top-k neighbours of the {n:,} most frequent words\n")
    print("| k | space | pairs | WordNet antonyms (attack filter) | repelled pairs (training antonyms) "
          "| WordNet synonyms (any sense) | attracted pairs (training synonyms) |")
    print("|---|---|---|---|---|---|---|")
    results = {}
    for emb in (before, after):
        results[emb.name] = top_k(emb, rows, kmax)
    for k in sorted(args.k):
        for emb in (before, after):
            neigh = results[emb.name][:, :k]
            ant = rep = syn = att = 0
            for i in rows:
                w = emb.words[i]
                ants, syns = antonyms(w), {s.lower() for s in synonyms(w)}
                for j in neigh[i]:
                    v = emb.words[j]
                    pair = (w, v) if w < v else (v, w)
                    ant += v in ants
                    rep += pair in repelled
                    syn += v in syns
                    att += pair in attracted
            print(f"| {k} | {emb.name} | {n * k:,} | {ant:,} | {rep:,} | {syn:,} | {att:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
