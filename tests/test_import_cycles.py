"""No import cycle among llmeng/ and mcp_server/ modules, counting imports inside functions too.

Imports under `if TYPE_CHECKING:` are left out: they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("llmeng", "mcp_server")


def _modules(root: Path) -> dict[str, tuple[Path, bool]]:
    mods = {}
    for pkg in PACKAGES:
        for path in (root / pkg).rglob("*.py"):
            parts = list(path.relative_to(root).with_suffix("").parts)
            is_pkg = parts[-1] == "__init__"
            mods[".".join(parts[:-1] if is_pkg else parts)] = (path, is_pkg)
    return mods


def _owner(name: str, mods: dict[str, tuple[Path, bool]]) -> str | None:
    while name and name not in mods:
        name = name.rpartition(".")[0]
    return name or None


def _imported(mod: str, path: Path, is_pkg: bool, mods: dict[str, tuple[Path, bool]]) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    skipped = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for n in ast.walk(node)
    }
    base = mod if is_pkg else mod.rpartition(".")[0]
    names: list[str] = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:
                anchor = base.rsplit(".", node.level - 1)[0] if node.level > 1 else base
                target = f"{anchor}.{target}".rstrip(".")
            names += [f"{target}.{a.name}" for a in node.names]
    return {o for o in (_owner(n, mods) for n in names) if o and o != mod}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = stack[stack.index(v) :]
            del stack[stack.index(v) :]
            if len(group) > 1:
                found.append(sorted(group))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles() -> None:
    mods = _modules(REPO)
    graph = {m: _imported(m, p, is_pkg, mods) for m, (p, is_pkg) in mods.items()}
    assert _cycles(graph) == []


def test_the_check_finds_a_cycle(tmp_path: Path) -> None:
    pkg = tmp_path / "llmeng"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from llmeng.b import x\n")
    (pkg / "b.py").write_text("def f():\n    from llmeng import a\n")
    (pkg / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from llmeng.a import y\n"
    )
    (tmp_path / "mcp_server").mkdir()
    mods = _modules(tmp_path)
    graph = {m: _imported(m, p, is_pkg, mods) for m, (p, is_pkg) in mods.items()}
    assert _cycles(graph) == [["llmeng.a", "llmeng.b"]]
    assert graph["llmeng.c"] == set()
