"""The high-stakes filter case: get a flagged text under a conservative threshold.

A filter blocks a text when P(flagged class) >= 0.3. The threshold goal succeeds only when the
perturbed text scores below it, whatever the argmax says. Here the "filter" is the built-in
sentiment victim treating "negative" as the flagged class.

    .venv/bin/python examples/safety_filter_threshold.py
"""

import attack_recipe as ar

victim = ar.load_victim()
flagged = victim.labels.index("negative")
attack = ar.load_recipe("deepwordbug").with_goal(ar.Threshold(class_index=flagged, threshold=0.3))
# The first text gets under the threshold; the second one resists (the filter holds).
for text in ["Worst airline ever, my bag is lost again.",
             "Terrible delay and nobody told us anything."]:
    r = attack.run(victim, text, label="negative", seed=0)
    after = victim([r.perturbed_text])[0][flagged] if r.perturbed_text else None
    print(f"{r.status.value:9s} P(negative) {victim([text])[0][flagged]:.2f} -> "
          f"{'-' if after is None else f'{after:.2f}'}  {r.perturbed_text or ''}")
