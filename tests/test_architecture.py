"""The dependency arrows between attack_recipe's sub-packages point one way (docs/architecture.md).

Every import is counted, the ones inside functions too (a lazy import is still a dependency), and
the graph between sub-packages (``attacks``, ``constraints``, ``core``, ...; top-level modules such
as ``registry`` count as their own node) must have no cycle.
"""

import ast
from pathlib import Path

import attack_recipe

PACKAGE = Path(attack_recipe.__file__).resolve().parent

#: What each node may import, besides itself. ``errors`` is the shared exception hierarchy.
ALLOWED = {
    "errors": set(),
    "core": {"errors"},
}


def _node(module: str) -> str:
    """``attack_recipe.attacks.search.base`` -> ``attacks``; ``attack_recipe`` itself -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        module = _module_name(path)
        is_package = path.name == "__init__.py"
        source = _node(module)
        edges = graph.setdefault(source, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = module.split(".")
                    base = base[: len(base) - node.level + (1 if is_package else 0)]
                    prefix = ".".join(base + ([node.module] if node.module else []))
                else:
                    prefix = node.module or ""
                # "from .. import registry" imports a module; "from . import __version__" a name
                targets = [f"{prefix}.{alias.name}" if _is_module(f"{prefix}.{alias.name}") else prefix
                           for alias in node.names]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            for target in targets:
                if target.split(".")[0] == "attack_recipe" and target != "attack_recipe":
                    dest = _node(target)
                    if dest != source:
                        edges.add(dest)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_import_cycle_between_subpackages():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle between sub-packages: " + " -> ".join(cycle)


def test_shared_types_depend_on_nothing_else():
    graph = import_graph()
    for node, allowed in ALLOWED.items():
        assert graph.get(node, set()) <= allowed, f"{node} imports {sorted(graph[node] - allowed)}"


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_only_the_cli_imports_the_studio():
    """The studio sits on top (cli -> studio -> evaluation ...): the library never needs its web stack."""
    graph = import_graph()
    assert sorted(node for node, edges in graph.items() if "studio" in edges) == ["cli"]
