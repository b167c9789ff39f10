"""``repr`` that shows a component's full configuration (its public attributes), e.g. for test ids."""

from __future__ import annotations


def config_repr(obj) -> str:
    fields = {k: v for k, v in vars(obj).items() if not k.startswith("_")}
    return f"{type(obj).__name__}({', '.join(f'{k}={v!r}' for k, v in fields.items())})"
