"""Mitigations lexically around a call: try/except, retry loops, deadlines, fallback branches."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from llmeng.audit.fastwalk import walk as fast_walk
from llmeng.audit.model import Ctx
from llmeng.audit.scope import ModuleScope

# Exceptions that never stand for a provider API failure: catching only these handles nothing.
_UNRELATED = frozenset(
    {
        "KeyError",
        "ValueError",
        "TypeError",
        "IndexError",
        "AttributeError",
        "JSONDecodeError",
        "ImportError",
        "ModuleNotFoundError",
        "FileNotFoundError",
        "StopIteration",
        "StopAsyncIteration",
        "AssertionError",
        "NotImplementedError",
        "UnicodeDecodeError",
        "UnicodeEncodeError",
        "KeyboardInterrupt",
        "CancelledError",
        "ValidationError",
        "ZeroDivisionError",
        "RecursionError",
        "NameError",
        "SyntaxError",
        "PermissionError",
        "IsADirectoryError",
        "GeneratorExit",
        "SystemExit",
        "UnboundLocalError",
    }
)
_DEADLINE_CMS = (
    "asyncio.timeout",
    "asyncio.timeout_at",
    "anyio.fail_after",
    "anyio.move_on_after",
    "async_timeout.timeout",
    "trio.fail_after",
    "trio.move_on_after",
    "timeout_decorator.timeout",
)
_RETRY_ITERATORS = ("Retrying", "AsyncRetrying", "retry_context")
_ATTEMPT_NAME = re.compile(r"attempt|retr|tries|tri\b|_try", re.IGNORECASE)
# Calls that, inside an except branch, answer from another model or a cache.
_FALLBACK_CALLS = frozenset(
    {
        "create",
        "completion",
        "acompletion",
        "invoke",
        "ainvoke",
        "generate_content",
        "complete",
        "converse",
        "chat",
        "achat",
        "stream",
        "parse",
    }
)


@dataclass(frozen=True)
class Frame:
    kind: str  # try | loop | with | deadline
    line: int
    note: str
    retry_like: bool = False
    handles: bool = False
    fallback: bool = False
    tenacity: bool = False


def try_frame(node: ast.Try, scope: ModuleScope) -> Frame:
    handled = [h for h in node.handlers if _handles(h, scope)]
    names = ", ".join(ast.unparse(h.type) if h.type else "bare except" for h in handled)
    fallback = any(_calls_model(h) for h in handled)
    return Frame(
        "try",
        node.lineno,
        f"try/except {names} at line {node.lineno}",
        handles=bool(handled),
        fallback=fallback,
    )


def loop_frame(node: ast.For | ast.AsyncFor | ast.While, scope: ModuleScope) -> Frame:
    sleeps = any(
        isinstance(s, ast.Call) and (scope.dotted(s.func) or "").endswith("sleep") for s in fast_walk(node)
    )
    named = _ATTEMPT_NAME.search(ast.unparse(node.target if not isinstance(node, ast.While) else node.test))
    ranged = (
        isinstance(node, (ast.For, ast.AsyncFor))
        and isinstance(node.iter, ast.Call)
        and ast.unparse(node.iter.func) == "range"
    )
    tenacity = (
        isinstance(node, (ast.For, ast.AsyncFor))
        and isinstance(node.iter, ast.Call)
        and (scope.dotted(node.iter.func) or "").rsplit(".", 1)[-1] in _RETRY_ITERATORS
    )
    endless = isinstance(node, ast.While) and isinstance(node.test, ast.Constant) and node.test.value
    return Frame(
        "loop",
        node.lineno,
        f"retry loop at line {node.lineno}",
        retry_like=bool(sleeps or named or ranged or endless),
        tenacity=tenacity,
    )


def with_frame(node: ast.With | ast.AsyncWith, scope: ModuleScope) -> Frame | None:
    for item in node.items:
        expr = item.context_expr
        name = scope.dotted(expr.func) if isinstance(expr, ast.Call) else None
        if name in _DEADLINE_CMS:
            return Frame("deadline", node.lineno, f"{name}() at line {node.lineno}")
        if (
            name == "contextlib.suppress"
            and isinstance(expr, ast.Call)
            and any((ast.unparse(a).rsplit(".", 1)[-1]) not in _UNRELATED for a in expr.args)
        ):
            return Frame("try", node.lineno, f"contextlib.suppress at line {node.lineno}", handles=True)
    return None


def deadline_frame(node: ast.Call, scope: ModuleScope) -> Frame | None:
    name = scope.dotted(node.func) or ""
    if name in ("asyncio.wait_for", "anyio.fail_after"):
        return Frame("deadline", node.lineno, f"{name}() at line {node.lineno}")
    return None


def ctx_of(frames: tuple[Frame, ...]) -> Ctx:
    """What the frames around a call (outermost first) do for it."""
    handled = retry = deadline = fallback = None
    for i in range(len(frames) - 1, -1, -1):
        f = frames[i]
        if f.kind == "try" and f.handles:
            handled = handled or f.note
            if f.fallback:
                fallback = fallback or f"except branch at line {f.line} calls a model"
        elif f.kind == "handler":
            fallback = fallback or f"the call is the fallback in the {f.note}"
        elif f.kind == "deadline":
            deadline = deadline or f.note
        elif f.kind == "loop" and (f.tenacity or (f.retry_like and _try_inside(frames, i))):
            retry = retry or f.note
    return Ctx(handled, retry, deadline, fallback)


def _try_inside(frames: tuple[Frame, ...], loop_index: int) -> bool:
    return any(f.kind == "try" and f.handles for f in frames[loop_index + 1 :])


def _handles(handler: ast.ExceptHandler, scope: ModuleScope) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(ast.unparse(t).rsplit(".", 1)[-1] not in _UNRELATED for t in types)


def _calls_model(handler: ast.ExceptHandler) -> bool:
    for sub in fast_walk(handler):
        if isinstance(sub, ast.Call):
            if any(kw.arg == "model" for kw in sub.keywords):
                return True
            if isinstance(sub.func, ast.Attribute) and sub.func.attr in _FALLBACK_CALLS:
                return True
    return False
