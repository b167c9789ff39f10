"""`import attack_recipe` must stay light: no heavy libraries at import time (checked in a subprocess)."""

import subprocess
import sys

HEAVY = ("torch", "transformers", "nltk", "datasets", "sentence_transformers", "sklearn", "numpy", "pandas")


def imported_after(code: str) -> set[str]:
    probe = f"import sys; {code}; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_import_is_light():
    assert imported_after("import attack_recipe") == set()


def test_cli_module_import_is_light():
    assert imported_after("import attack_recipe.cli") == set()


def test_listing_recipes_imports_nothing_heavy():
    assert imported_after("import attack_recipe; attack_recipe.list_recipes()") == set()


def test_public_names_resolve():
    import attack_recipe

    for name in attack_recipe.__all__:
        assert getattr(attack_recipe, name) is not None


def test_registry_and_contracts_import_light():
    """They sit below every package (models/loading.py resolves victims through them)."""
    assert imported_after("from attack_recipe import contracts, registry; registry.names('victim')") == set()
