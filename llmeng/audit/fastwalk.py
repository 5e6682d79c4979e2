"""A faster ast.walk: per node class, only the fields that can hold child nodes.

ast.iter_child_nodes inspects every field of every node (ctx, id, attr, ...); on real code that
generic loop was the audit's largest cost, so the child fields are computed once per class.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

_NOT_CHILDREN = frozenset(
    {
        "ctx",
        "id",
        "attr",
        "arg",
        "kind",
        "type_comment",
        "conversion",
        "level",
        "module",
        "name",
        "asname",
        "is_async",
        "lineno",
        "col_offset",
        "end_lineno",
        "end_col_offset",
    }
)


def _child_fields() -> dict[type, tuple[str, ...]]:
    out: dict[type, tuple[str, ...]] = {}
    for name in dir(ast):
        cls = getattr(ast, name)
        if isinstance(cls, type) and issubclass(cls, ast.AST):
            out[cls] = () if cls is ast.Constant else tuple(f for f in cls._fields if f not in _NOT_CHILDREN)
    return out


CHILD_FIELDS = _child_fields()


def children(node: ast.AST) -> Iterator[ast.AST]:
    """The direct child nodes of node, like ast.iter_child_nodes."""
    for f in CHILD_FIELDS.get(type(node), ()):
        value = getattr(node, f, None)
        if type(value) is list:
            for item in value:
                if isinstance(item, ast.AST):
                    yield item
        elif isinstance(value, ast.AST):
            yield value


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """Every node under node (node included), in no particular order, like ast.walk."""
    fields = CHILD_FIELDS
    stack: list[object] = [node]
    while stack:
        item = stack.pop()
        names = fields.get(type(item))
        if names is None:
            continue
        yield item  # type: ignore[misc]
        for f in names:
            value = getattr(item, f, None)
            if value is None:
                continue
            if type(value) is list:
                stack.extend(value)
            else:
                stack.append(value)


def statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements in source order, entering blocks but not nested functions or classes."""
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        yield stmt
        for field in ("body", "orelse", "finalbody", "handlers"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list):
                yield from statements(
                    [s for s in inner if isinstance(s, ast.stmt)]
                    + [s for h in inner if isinstance(h, ast.ExceptHandler) for s in h.body]
                )
        if isinstance(stmt, ast.Match):
            for case in stmt.cases:
                yield from statements(case.body)
