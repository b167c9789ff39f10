"""Seeded fine-tuning of a Hugging Face sequence classifier: the one training loop of the project.

Used to build the built-in victim (:mod:`.builtin_training`) and to harden a victim by adversarial
training (:mod:`attack_recipe.highstakes.trainers`). AdamW with weight decay off for biases and
LayerNorm weights, linear warm-up then linear decay, gradient clipping, length-bucketed batches
(each padded to its own longest text), one ``random.Random(seed + 1 + epoch)`` order per epoch.

Optional virtual adversarial training in the spirit of SiFT (He et al. 2020, "SiFT: Scale-invariant
Fine-Tuning", arXiv 2006.03654, section 3): the word embeddings are layer-normalised, perturbed by a
small random vector that one power-iteration step turns into the direction the model is most sensitive
to, and the symmetric KL divergence between the clean and the perturbed predictions is added to the
loss with weight ``vat_weight``. Deviation: one power-iteration step and a fixed step size
``vat_epsilon``, as in the paper's experiments, but no projection schedule.
"""

from __future__ import annotations

import random
import sys
import time
from typing import Any, Sequence

#: What a hardening round trains with unless told otherwise (the built-in victim's own recipe, with
#: one difference: a lower learning rate, because a round continues from an already trained model).
DEFAULTS: dict[str, Any] = {
    "epochs": 1,
    "batch_size": 32,
    "max_length": 64,
    "learning_rate": 2e-5,
    "weight_decay": 0.01,
    "warmup_ratio": 0.06,
    "max_grad_norm": 1.0,
    "length_bucketing": True,
    "vat_weight": 0.0,  # > 0: SiFT-style virtual adversarial training (module docstring)
    "vat_epsilon": 1e-3,
    "vat_noise": 1e-5,
}


def batches(tokenizer, texts: Sequence[str], labels: Sequence[int], batch_size: int, max_length: int):
    """Tokenised training batches in the given order, each padded to its own longest text."""
    import torch

    for start in range(0, len(texts), batch_size):
        enc = tokenizer(list(texts[start : start + batch_size]), truncation=True, max_length=max_length, padding=True, return_tensors="pt")
        enc["labels"] = torch.tensor(list(labels[start : start + batch_size]), dtype=torch.long)
        yield enc


def bucketed_order(lengths: Sequence[int], batch_size: int, rng: random.Random, pool_batches: int = 50) -> list[int]:
    """A seeded shuffle in which each batch holds texts of similar length (less padding, same data).

    Shuffle, cut into pools of ``pool_batches`` batches, sort each pool by length, cut it into batches,
    then shuffle the batches: every example is seen once per epoch, batches stay random in order.
    """
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool = batch_size * pool_batches
    groups = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lambda i: lengths[i])
        groups += [chunk[j : j + batch_size] for j in range(0, len(chunk), batch_size)]
    rng.shuffle(groups)
    return [i for group in groups for i in group]


def progress_bar(title: str, enabled: bool):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    return Progress(
        TextColumn(f"[bold]{title}[/] {{task.description}}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not enabled,
        transient=False,
    )


def _symmetric_kl(p_logits, q_logits):
    import torch.nn.functional as F

    p, q = F.log_softmax(p_logits, dim=-1), F.log_softmax(q_logits, dim=-1)
    return (F.kl_div(q, p, log_target=True, reduction="batchmean")
            + F.kl_div(p, q, log_target=True, reduction="batchmean"))


def _vat_loss(model, batch, clean_logits, hp: dict[str, Any]):
    """SiFT's perturbation term for one batch (module docstring)."""
    import torch
    import torch.nn.functional as F

    embeds = model.get_input_embeddings()(batch["input_ids"])
    normed = F.layer_norm(embeds, embeds.shape[-1:])
    inputs = {k: v for k, v in batch.items() if k not in ("input_ids", "labels")}
    noise = (torch.randn_like(normed) * hp["vat_noise"]).requires_grad_()
    adv = model(inputs_embeds=normed + noise, **inputs).logits
    grad, = torch.autograd.grad(_symmetric_kl(clean_logits.detach(), adv), noise)
    direction = grad / (grad.norm(dim=-1, keepdim=True) + 1e-12)
    adv = model(inputs_embeds=normed + hp["vat_epsilon"] * direction.detach(), **inputs).logits
    return _symmetric_kl(clean_logits.detach(), adv)


def fine_tune(model, tokenizer, texts: Sequence[str], labels: Sequence[int], hp: dict[str, Any], *, seed: int,
              title: str, progress: bool = True) -> dict[str, Any]:
    """Train ``model`` in place on ``texts``/``labels`` with hyperparameters ``hp``; returns figures.

    ``hp`` needs the keys of :data:`DEFAULTS` (``vat_*`` are optional). Deterministic on CPU for a
    given seed, thread count and machine. Without a terminal (a pipe, CI) the live bar is replaced
    by one progress line per tenth of the steps.
    """
    import torch
    from transformers import get_linear_schedule_with_warmup

    started = time.perf_counter()
    texts, labels = list(texts), [int(y) for y in labels]
    model.train()
    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight")
    groups = [
        {"params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)], "weight_decay": hp["weight_decay"]},
        {"params": [p for n, p in model.named_parameters() if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=hp["learning_rate"])
    steps_per_epoch = -(-len(texts) // hp["batch_size"])
    total_steps = steps_per_epoch * hp["epochs"]
    scheduler = get_linear_schedule_with_warmup(optimizer, int(hp["warmup_ratio"] * total_steps), total_steps)
    vat_weight = float(hp.get("vat_weight") or 0.0)

    lengths = [len(ids) for ids in tokenizer(texts, truncation=True, max_length=hp["max_length"])["input_ids"]]
    running = None
    with progress_bar(title, progress) as bar:
        task = bar.add_task("training", total=total_steps)
        for epoch in range(hp["epochs"]):
            rng_epoch = random.Random(seed + 1 + epoch)
            if hp["length_bucketing"]:
                order = bucketed_order(lengths, hp["batch_size"], rng_epoch)
            else:
                order = list(range(len(texts)))
                rng_epoch.shuffle(order)
            epoch_texts = [texts[i] for i in order]
            epoch_labels = [labels[i] for i in order]
            for batch in batches(tokenizer, epoch_texts, epoch_labels, hp["batch_size"], hp["max_length"]):
                out = model(**batch)
                loss = out.loss
                if vat_weight > 0:
                    loss = loss + vat_weight * _vat_loss(model, batch, out.logits, hp)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), hp["max_grad_norm"])
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad(set_to_none=True)
                running = loss.item() if running is None else 0.95 * running + 0.05 * loss.item()
                bar.update(task, advance=1, description=f"epoch {epoch + 1}/{hp['epochs']} loss {running:.3f}")
                step = int(bar.tasks[0].completed)
                if progress and not bar.console.is_terminal and (step % max(1, total_steps // 10) == 0
                                                                 or step == total_steps):
                    # no live bar without a terminal (make demo in CI, a pipe): one line per tenth instead
                    elapsed = time.perf_counter() - started
                    bar.console.print(f"{title}: step {step}/{total_steps}, loss {running:.3f}, "
                                      f"{elapsed:.0f} s elapsed, about {elapsed / step * (total_steps - step):.0f} s "
                                      "to go", highlight=False)
    model.eval()
    return {"steps": total_steps, "examples": len(texts), "final_loss": None if running is None else round(running, 4),
            "seconds": round(time.perf_counter() - started, 1), "torch_threads": torch.get_num_threads(),
            "python": sys.version.split()[0]}
