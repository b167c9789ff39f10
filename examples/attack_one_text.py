"""Attack one text with a recipe and print what changed.

    .venv/bin/python examples/attack_one_text.py "Thanks @united, the crew was wonderful and the flight smooth!"
"""

import sys

import attack_recipe as ar

text = sys.argv[1] if len(sys.argv) > 1 else "Great service today, the staff were so friendly."
victim = ar.load_victim()  # built-in sentiment-minilm (built on first use)
label = int(victim([text])[0].argmax())  # attack whatever the model currently predicts
for name in ("textfooler", "pwws", "deepwordbug"):
    result = ar.load_recipe(name).run(victim, text, label, seed=0)
    print(f"{name:12s} {result.status.value:9s} queries={result.queries:4d} "
          f"{victim.labels[label]} -> {victim.labels[result.perturbed_prediction] if result.perturbed_text else '-'}")
    if result.perturbed_text:
        print(f"{'':12s} {result.perturbed_text}")
