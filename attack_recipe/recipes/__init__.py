"""Named recipes, one file per paper; each module exposes a factory returning an Attack."""
