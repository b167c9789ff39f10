"""Export what TextAttack needs to attack our built-in victim offline (run in OUR venv).

    .venv/bin/python benchmarks/export_for_textattack.py --out /tmp/ta-inputs --num-examples 100

Writes: tweets.jsonl (the held-out examples), glove/words.json + matrix.npy + nn.npy (GloVe-50d,
65,713 words, 50 nearest neighbours by cosine — TextAttack's WordEmbedding format), paths.json
(victim folder, packaged MiniLM folder, stopword list). Then run textattack_side_by_side.py in a
TextAttack environment (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from attack_recipe import load_dataset
from attack_recipe.models.builtin import builtin_victim_path, sentiment_minilm
from attack_recipe.resources.embeddings import load_word_embedding
from attack_recipe.resources.encoder import resolve_sentence_encoder
from attack_recipe.resources.stopwords import load_stopwords


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="/tmp/ta-inputs")
    parser.add_argument("--num-examples", type=int, default=100)
    args = parser.parse_args()
    out = Path(args.out)
    (out / "glove").mkdir(parents=True, exist_ok=True)

    sentiment_minilm(progress=True)  # make sure the victim is built
    with open(out / "tweets.jsonl", "w", encoding="utf-8") as fh:
        for e in load_dataset("tweets", "test", num_examples=args.num_examples).examples:
            fh.write(json.dumps({"id": e.id, "text": e.text, "label": e.label}, ensure_ascii=False) + "\n")

    emb = load_word_embedding()
    matrix = emb.matrix.astype(np.float32)
    nn = np.zeros((len(emb.words), 51), dtype=np.int64)
    for start in range(0, len(emb.words), 2048):
        sims = matrix[start:start + 2048] @ matrix.T
        top = np.argpartition(-sims, 51, axis=1)[:, :51]
        order = np.argsort(-np.take_along_axis(sims, top, axis=1), axis=1, kind="stable")
        nn[start:start + 2048] = np.take_along_axis(top, order, axis=1)  # first column: the word itself
    (out / "glove" / "words.json").write_text(json.dumps(list(emb.words)), encoding="utf-8")
    np.save(out / "glove" / "matrix.npy", matrix)
    np.save(out / "glove" / "nn.npy", nn)

    (out / "stopwords.txt").write_text("\n".join(sorted(load_stopwords())) + "\n", encoding="utf-8")
    _, minilm, _ = resolve_sentence_encoder(None)
    paths = {"victim": str(builtin_victim_path()), "minilm": str(minilm), "stopwords": str(out / "stopwords.txt")}
    (out / "paths.json").write_text(json.dumps(paths, indent=1), encoding="utf-8")
    print(json.dumps(paths, indent=1))


if __name__ == "__main__":
    main()
