"""The studio: a local web page where a person rewrites a flagged text until the victim lets it through.

Why: the strongest adversary in Ziegler et al. (2022) was a person with tools — a live score, ranked
word replacements, a saliency map — who found an adversarial example every 13 minutes. This package
is that tool on top of the library: the victim (:mod:`attack_recipe.models.loading`), the project's
word-swap transformations for suggestions, the validity judge for their verdicts, the recipes for
"finish it for me", and a JSONL file of what the person saved (``harden --extra-adversarial`` and
``augment`` read it).

Modules, one concept each: :mod:`.engine` (the loaded victim, its threshold and the one scoring path
every endpoint uses), :mod:`.queue` (flagged examples to
start from), :mod:`.saliency`, :mod:`.suggestions`, :mod:`.finish`, :mod:`.records` (the save file),
:mod:`.app` (the FastAPI app and its JSON API), :mod:`.server` (build everything from CLI options and
serve it on 127.0.0.1). ``attack-recipe studio`` is a thin layer over :func:`.server.run_studio`.
FastAPI and uvicorn come with the ``studio`` extra and are imported only here.
"""
