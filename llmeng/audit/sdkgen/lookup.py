"""Module-level names, classes and their members in the pinned wheels, followed through imports."""

from __future__ import annotations

import ast
from typing import Any

from llmeng.audit.sdkgen.wheel import Module, Source

Def = ast.FunctionDef | ast.AsyncFunctionDef


class Miss(Exception):
    """The anchor or the value is not where the recipe says; the message says what was missing."""


def find_name(source: Source, mod: Module, name: str, depth: int = 0) -> tuple[Any, ...] | None:
    """("value", expr, module, stmt) or ("class", ClassDef, module) for a module-level name."""
    found: tuple[Any, ...] | None = None
    for stmt in mod.top_level():
        if isinstance(stmt, ast.ClassDef) and stmt.name == name:
            found = ("class", stmt, mod)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                found = ("value", stmt.value, mod, stmt)
        elif isinstance(stmt, ast.ImportFrom) and depth < 20:
            for alias in stmt.names:
                if (alias.asname or alias.name) == name:
                    target = source.module(_absolute(stmt, mod))
                    hit = None if target is None else find_name(source, target, alias.name, depth + 1)
                    found = hit or found
    return found


def find_member(
    source: Source, cls: ast.ClassDef, mod: Module, name: str, depth: int = 0
) -> tuple[Any, Module] | None:
    """The last definition of `name` in the class body, else in its bases (followed through imports)."""
    hits = [s for s in cls.body if defines(s, name)]
    if hits:
        return hits[-1], mod
    for base in cls.bases:
        found = find_name(source, mod, base.id) if isinstance(base, ast.Name) and depth < 20 else None
        if found is not None and found[0] == "class":
            member = find_member(source, found[1], found[2], name, depth + 1)
            if member is not None:
                return member
    return None


def defines(stmt: ast.stmt, name: str) -> bool:
    if isinstance(stmt, Def):
        return stmt.name == name
    if isinstance(stmt, ast.AnnAssign):
        return isinstance(stmt.target, ast.Name) and stmt.target.id == name
    if isinstance(stmt, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets)
    return False


def _absolute(node: ast.ImportFrom, mod: Module) -> str:
    if not node.level:
        return node.module or ""
    package = mod.name.split(".") if mod.path.endswith("__init__.py") else mod.name.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])
