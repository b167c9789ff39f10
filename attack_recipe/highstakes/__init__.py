"""The high-stakes filter workflow (Ziegler et al. 2022, "Adversarial Training for High-Stakes
Reliability", arXiv 2205.01663): calibrate a conservative threshold, estimate the in-distribution
failure rate, attack at the threshold, harden by adversarial training in rounds, augment a dataset.

Modules, one step each: :mod:`.binomial` (exact intervals), :mod:`.labelled` (a labelled set scored
by a victim), :mod:`.calibration` (choosing the threshold, the curve), :mod:`.threshold_file`
(the JSON file other commands read), :mod:`.estimate` (failure rate and attack effort),
:mod:`.attacking` (recipes run at a threshold), :mod:`.trainers` (fine-tune or refit a victim),
:mod:`.harden` (the rounds), :mod:`.rounds` (round table and cross-round matrix), :mod:`.plots`,
:mod:`.augment`. Nothing heavy is imported here.
"""
