"""The package's folders are layers and its imports run one way: contract → reading → core →
reports → master → the front doors (the CLI last: its serve command starts the portal). Imports inside
functions count too."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "unionxl"
#: each folder's layer; a module may import its own folder and any lower layer, never a higher one
LAYERS = {"contract": 0, "files": 1, "reading": 1, "core": 2, "reports": 3, "master": 4, "portal": 5, "xl": 5, "cli": 6}


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("unionxl"):
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("unionxl")]
            else:
                continue
            found |= {t for t in targets if t in modules and t != name}
        graph[name] = found
    return graph


def _folder(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else ""


def test_imports_run_down_the_layers() -> None:
    wrong = []
    for module, imported in _imports().items():
        here = _folder(module)
        for target in imported:
            there = _folder(target)
            if here and there and there != here and LAYERS[there] >= LAYERS[here]:
                wrong.append(f"{module} -> {target}")
    assert wrong == []


def test_no_module_imports_itself_in_a_circle() -> None:
    graph = _imports()
    # the package faces (__init__) hand names on; a circle through them is still a circle
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                circles.append(path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert circles == []
