"""Tiny real models built from a config in seconds, for testing the code paths that load HF models."""

from __future__ import annotations

from pathlib import Path

#: Words the tiny masked LM is biased towards, so its candidates include sentiment words and the
#: neutral words a toy victim reads differently.
FAVOURED = ("bad", "terrible", "awful", "boring", "poor", "good", "great", "nice", "fine", "dull", "weak")


def build_tiny_masked_lm(folder: str | Path, favoured=FAVOURED, seed: int = 0) -> str:
    """Save a 2-layer, 32-wide BertForMaskedLM with the packaged MiniLM WordPiece tokenizer to ``folder``.

    The weights are random except for a bias towards ``favoured``; the point is the plumbing (loading
    by folder, masking, sub-word handling), not the quality of the candidates.
    """
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForMaskedLM

    from ..errors import ResourceNotFoundError
    from ..resources.encoder import INSTALL, packaged_model_dir

    source = packaged_model_dir()
    if source is None:
        raise ResourceNotFoundError("WordPiece tokenizer for the tiny masked LM",
                                    ["packaged all-MiniLM-L6-v2: not installed"], INSTALL)
    tok = AutoTokenizer.from_pretrained(source)
    torch.manual_seed(seed)
    model = BertForMaskedLM(BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2,
                                       num_attention_heads=2, intermediate_size=64, max_position_embeddings=128))
    with torch.no_grad():
        for word in favoured:
            model.cls.predictions.bias[tok.convert_tokens_to_ids(word)] += 12.0
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return str(folder)


def build_tiny_classifier(folder: str | Path, labels=("negative", "positive"), seed: int = 0) -> str:
    """Save a 2-layer, 32-wide BertForSequenceClassification (random weights, the packaged MiniLM
    WordPiece tokenizer) to ``folder``: a Hugging Face victim that fine-tunes in a second, for
    testing the training paths (hardening rounds), not for its decisions."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from ..errors import ResourceNotFoundError
    from ..resources.encoder import INSTALL, packaged_model_dir

    source = packaged_model_dir()
    if source is None:
        raise ResourceNotFoundError("WordPiece tokenizer for the tiny classifier",
                                    ["packaged all-MiniLM-L6-v2: not installed"], INSTALL)
    tok = AutoTokenizer.from_pretrained(source)
    torch.manual_seed(seed)
    model = BertForSequenceClassification(BertConfig(
        vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
        max_position_embeddings=128, num_labels=len(labels), id2label=dict(enumerate(labels)),
        label2id={name: i for i, name in enumerate(labels)}))
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return str(folder)
