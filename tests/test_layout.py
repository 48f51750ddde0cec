"""The package layout is the pipeline: each stage imports only the stages below it, and no two
modules import each other, directly or in a circle (docs/architecture.md)."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "kutse_rdf"
# Lowest first. A module may import its own stage and any stage before it.
STAGES = (
    ("errors", "config", "resources", "model", "processes", "versions"),
    ("reading",),
    ("history",),  # what changed between two versions of a standard, on the model
    ("graph", "esco"),  # an ESCO release is reference vocabulary, like the shipped subset
    ("engine",),
    ("query",),
    ("site",),
    ("publish",),
    ("build", "api"),
    ("commands",),
    ("cli", "__main__", "__init__"),
)
RANK = {name: rank for rank, names in enumerate(STAGES) for name in names}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)


def imports(path: Path) -> set[str]:
    """kutse_rdf modules imported anywhere in the file (in functions too), as dotted names."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "kutse_rdf":
                found.update(alias.name for alias in node.names if alias.name != "__version__")
            elif node.module.startswith("kutse_rdf."):
                module = node.module.removeprefix("kutse_rdf.")
                # `from kutse_rdf.engine import cache` imports the module engine.cache
                found.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.removeprefix("kutse_rdf.") for a in node.names
                         if a.name.startswith("kutse_rdf."))
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports(p) for p in PACKAGE.rglob("*.py")}


def stage(module: str) -> int:
    return RANK[module.split(".")[0]]


def test_every_module_belongs_to_a_stage():
    assert [m for m in graph() if m.split(".")[0] not in RANK] == []


def test_nothing_imports_upwards():
    upward = sorted((module, target) for module, targets in graph().items()
                    for target in targets if stage(target) > stage(module))
    assert upward == []


def test_no_import_circle():
    edges = graph()
    known = set(edges)

    def resolve(target: str) -> str | None:
        while target and target not in known:  # `from kutse_rdf.query import x` -> query
            target = target.rpartition(".")[0]
        return target or None

    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(filter(None, map(resolve, edges[module]))):
            if target == module or target == module.rpartition(".")[0]:
                continue  # a package's own modules and its __init__ re-exports
            if state.get(target) == 1:
                circles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert circles == []
