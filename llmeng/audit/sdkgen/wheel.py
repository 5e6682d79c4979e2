"""The Python source inside wheels, parsed with `ast` and indexed by module name: nothing is imported."""

from __future__ import annotations

import ast
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Loc:
    """Where a node was read: the wheel's distribution and version, the file inside it, the line."""

    dist: str
    version: str
    path: str
    line: int

    @property
    def text(self) -> str:
        return f"{self.dist} {self.version} {self.path}:{self.line}"


@dataclass
class Module:
    dist: str
    version: str
    path: str
    name: str
    tree: ast.Module

    def loc(self, node: ast.AST) -> Loc:
        return Loc(self.dist, self.version, self.path, getattr(node, "lineno", 0))

    def top_level(self) -> Iterator[ast.stmt]:
        """Module-level statements, including those under a top-level `if` or `try` (guarded imports)."""
        stack = list(reversed(self.tree.body))
        while stack:
            stmt = stack.pop()
            yield stmt
            if isinstance(stmt, (ast.If, ast.Try)):
                nested = [*stmt.body, *stmt.orelse]
                if isinstance(stmt, ast.Try):
                    nested += [s for h in stmt.handlers for s in h.body] + stmt.finalbody
                stack.extend(reversed(nested))


@dataclass
class Wheel:
    dist: str
    version: str
    path: Path
    _names: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        with zipfile.ZipFile(self.path) as zf:
            self._names = sorted(n for n in zf.namelist() if n.endswith(".py"))

    def modules(self) -> Iterable[tuple[str, str]]:
        """(dotted module name, path in the wheel) for each .py file."""
        for path in self._names:
            parts = path[:-3].split("/")
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path

    def read(self, path: str) -> str:
        with zipfile.ZipFile(self.path) as zf:
            return zf.read(path).decode("utf-8")


class Source:
    """All pinned wheels as one tree of modules, parsed on first use."""

    def __init__(self, wheels: Iterable[Wheel]) -> None:
        self.wheels = {w.dist: w for w in wheels}
        self._where = {name: (w, path) for w in self.wheels.values() for name, path in w.modules()}
        self._by_path = {(w.dist, path): name for name, (w, path) in self._where.items()}
        self._parsed: dict[str, Module] = {}

    def file(self, dist: str, path: str) -> Module | None:
        name = self._by_path.get((dist, path))
        return None if name is None else self.module(name)

    def module(self, name: str) -> Module | None:
        if name not in self._parsed:
            if name not in self._where:
                return None
            wheel, path = self._where[name]
            tree = ast.parse(wheel.read(path), filename=path)
            self._parsed[name] = Module(wheel.dist, wheel.version, path, name, tree)
        return self._parsed[name]
