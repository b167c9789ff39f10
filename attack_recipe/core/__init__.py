"""Types every engine package shares: the attacked text (text.py), its edit steps (steps.py), the configuration repr.

``core`` depends on nothing else in attack_recipe (the standard library and ``errors`` only), so
``attacks`` (goals, searches, transformations, the run state) and ``constraints`` can both build on it
without importing each other in a circle. tests/test_architecture.py checks the arrows.
"""
