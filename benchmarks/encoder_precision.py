"""The sentence encoder in float32 and bfloat16: seconds per text, cosine drift, and whether a
TextFooler run picks the same texts (docs/speed.md, "The sentence encoder in bfloat16").

    .venv/bin/python benchmarks/encoder_precision.py                       # speed and drift, 64 tweets
    .venv/bin/python benchmarks/encoder_precision.py --runs profanity tfidf-news   # + TextFooler in both

Speed: the packaged all-MiniLM-L6-v2 on one intra-op thread (SBS_THREADS), 64 held-out tweets,
every batch size from 1 to 64, each text new to the cache. Drift: |cos_bf16 - cos_fp32| over the 63
pairs of neighbouring tweets. ``--runs``: the side-by-side's TextFooler (benchmarks/side_by_side.py,
its victims built with ``side_by_side.py build``) in both precisions, judge off, per example status,
adversarial text and queries compared.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import sbs_victims  # noqa: E402  (benchmarks/ is not a package)

PRECISIONS = ("float32", "bfloat16")


def speed_and_drift(n: int = 64) -> None:
    import numpy as np

    from attack_recipe.resources.datasets import load_dataset_examples
    from attack_recipe.resources.encoder import load_sentence_encoder

    texts = [e.text for e in load_dataset_examples("tweets", split="test").examples][:n]
    embeddings = {}
    for precision in PRECISIONS:
        enc = load_sentence_encoder(device="cpu", precision=precision)
        enc.encode(["warm-up text"])
        cells = []
        for size in (1, 2, 4, 8, 16, 32, 64):
            batch = [f"{t} {size}" for t in texts]  # new to the cache
            start = time.perf_counter()
            for i in range(0, len(batch), size):
                enc.encode(batch[i:i + size])
            cells.append(f"{size}: {1000 * (time.perf_counter() - start) / len(batch):.1f}")
        print(f"{precision}: ms per text by batch size  " + "  ".join(cells))
        embeddings[precision] = enc.encode(texts)
    neighbours = {p: (e[:-1] * e[1:]).sum(axis=1) for p, e in embeddings.items()}
    drift = np.abs(neighbours["bfloat16"] - neighbours["float32"])
    print(f"cosine drift over {len(drift)} neighbouring pairs: mean {drift.mean():.4f}, max {drift.max():.4f}")


def same_texts(victim_name: str, work: Path) -> None:
    import side_by_side as sbs
    from attack_recipe.evaluation.config import RunConfig, prepare
    from attack_recipe.evaluation.harness import run_dataset
    from attack_recipe.evaluation.runner import armed_attack
    from attack_recipe.models.callable import CallableVictim

    model = sbs_victims.load(victim_name, work)
    victim = CallableVictim(model, labels=model.labels, name=victim_name)
    found = {}
    for precision in PRECISIONS:
        config = RunConfig(recipe="textfooler", model=victim, dataset=str(work / f"{victim_name}.jsonl"),
                           num_examples=sbs.DEFAULT_N[victim_name], judge=False, validity=False,
                           recipe_options=tuple(sbs.OURS["textfooler"].items()), example_timeout=0,
                           encoder_precision=precision)
        prepared = prepare(config)
        outcome = run_dataset(armed_attack(prepared), victim, prepared.examples, seed=0, run_info=prepared.run_info)
        found[precision] = {r.example_id: (r.status.value, r.perturbed_text, r.queries) for r in outcome.results}
    full, half = found["float32"], found["bfloat16"]
    same = [k for k in full if full[k] == half.get(k)]
    statuses = sum(full[k][0] == half[k][0] and full[k][2] == half[k][2] for k in full)
    print(f"{victim_name} textfooler: {len(same)} of {len(full)} examples identical; "
          f"status and queries equal in {statuses}")
    for k in full:
        if full[k] != half[k]:
            print(f"  {k}\n    float32:  {full[k]}\n    bfloat16: {half[k]}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", nargs="*", default=[], choices=list(sbs_victims.VICTIMS))
    parser.add_argument("--work", default="/tmp/sbs")
    args = parser.parse_args(argv)
    sbs_victims.threads_from_env()
    speed_and_drift()
    for victim in args.runs:
        same_texts(victim, Path(args.work))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
