"""Mitigations lexically around a call: try/except, retry loops, deadlines, fallback branches."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from llmeng.audit.fastwalk import walk as fast_walk
from llmeng.audit.guards import BREAKER, LIMIT, SEMAPHORE_NOTE, guard_of, is_semaphore
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
# Provider errors for a request that is wrong (4xx other than 429) or an answer that is refused: catching
# only these leaves rate limits, timeouts and server errors unhandled (google-genai's ClientError is 4xx).
_NARROW = frozenset(
    {
        "BadRequestError",
        "AuthenticationError",
        "PermissionDeniedError",
        "NotFoundError",
        "ConflictError",
        "UnprocessableEntityError",
        "ClientError",
        "InvalidRequestError",
        "ContextWindowExceededError",
        "ContentPolicyViolationError",
        "ContentFilterFinishReasonError",
        "LengthFinishReasonError",
        "UnsupportedParamsError",
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


_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_COMPOUND = tuple(
    getattr(ast, name)
    for name in (
        "FunctionDef",
        "AsyncFunctionDef",
        "ClassDef",
        "If",
        "For",
        "AsyncFor",
        "While",
        "With",
        "AsyncWith",
        "Try",
        "TryStar",
        "Match",
    )
    if hasattr(ast, name)
)


@dataclass(frozen=True)
class Frame:
    kind: str  # try | handler | loop | deadline | breaker | limit
    line: int
    note: str
    retry_like: bool = False
    handles: bool = False  # an except catches API errors and does not raise again
    fallback: bool = False
    tenacity: bool = False
    catches: bool = False  # an except catches API errors (it may raise again: still a retry's catch)
    falls_through: bool = False  # no handling except returns: in a loop, control goes on after it
    raises_after: bool = False  # a loop that raises once it is exhausted


def try_frame(node: ast.Try, scope: ModuleScope) -> Frame:
    caught = [h for h in node.handlers if _catches(h, scope)]
    # An except that raises again, even only after the last attempt, hands the error on: not handling.
    handled = [h for h in caught if not _raises(h)]
    names = ", ".join(ast.unparse(h.type) if h.type else "bare except" for h in handled)
    fallback = any(_calls_model(h) for h in caught)
    return Frame(
        "try",
        node.lineno,
        f"try/except {names} at line {node.lineno}",
        handles=bool(handled),
        fallback=fallback,
        catches=bool(caught),
        falls_through=not any(_has(h, ast.Return) for h in handled),
    )


def loop_frame(
    node: ast.For | ast.AsyncFor | ast.While, scope: ModuleScope, *, raises_after: bool = False
) -> Frame:
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
        raises_after=raises_after,
    )


def loops_then_raise(body: list[ast.stmt]) -> set[int]:
    """Ids of the loops in `body` (and blocks inside it) that are followed by a `raise` in their block.

    `for attempt in range(3): try: ... except E: sleep()` then `raise Failed()`: the except only
    delays the error until the loop is exhausted.
    """
    out: set[int] = set()
    stack = [body]
    while stack:
        block = stack.pop()
        for i, stmt in enumerate(block):
            if not isinstance(stmt, _COMPOUND):
                continue  # most statements hold no block: skip them cheaply (this runs on every file)
            if isinstance(stmt, _LOOPS) and _raise_next(block[i + 1 :]):
                out.add(id(stmt))
            stack.extend(_blocks(stmt))
    return out


def _blocks(stmt: ast.stmt) -> list[list[ast.stmt]]:
    """The statement lists directly inside a statement (nested function and class bodies included)."""
    out = [inner for field in ("body", "orelse", "finalbody") if (inner := getattr(stmt, field, None))]
    out.extend(h.body for h in getattr(stmt, "handlers", ()))
    out.extend(c.body for c in getattr(stmt, "cases", ()))
    return out


def wrapper_effects(node: ast.FunctionDef | ast.AsyncFunctionDef, scope: ModuleScope) -> tuple[bool, bool]:
    """(handles, retries) for an in-project decorator: an except that handles, a loop around a catch."""
    if not any(isinstance(sub, ast.Try) for sub in fast_walk(node)):
        return False, False
    raising = loops_then_raise(node.body)
    handles = retries = False
    stack: list[tuple[list[ast.stmt], ast.stmt | None]] = [(node.body, None)]
    while stack:
        body, loop = stack.pop()
        for stmt in body:
            if isinstance(stmt, ast.Try):
                f = try_frame(stmt, scope)
                retries = retries or (loop is not None and f.catches)
                exhausted = (
                    loop is not None
                    and id(loop) in raising
                    and f.falls_through
                    and loop_frame(loop, scope).retry_like  # type: ignore[arg-type]
                )
                handles = handles or (f.handles and not exhausted)
            inner_loop = stmt if isinstance(stmt, _LOOPS) else loop
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner_loop = None
            stack.extend((block, inner_loop) for block in _blocks(stmt))
    return handles, retries


def _raise_next(rest: list[ast.stmt]) -> bool:
    """The first statement of `rest` that leaves the block is a raise."""
    for stmt in rest:
        if isinstance(stmt, ast.Raise):
            return True
        if isinstance(stmt, ast.If) and any(isinstance(inner, ast.Raise) for inner in stmt.body):
            return True  # `if last_error is not None: raise last_error`
        if isinstance(stmt, (ast.Return, ast.Break, ast.Continue)):
            return False
    return False


def with_frames(node: ast.With | ast.AsyncWith, scope: ModuleScope, cls: str | None) -> tuple[Frame, ...]:
    """Deadlines, suppressions, breakers and limiters among a `with` statement's context managers."""
    found = []
    for item in node.items:
        guard = guard_of(item.context_expr, scope, cls)
        if guard is not None:
            weak = f"{SEMAPHORE_NOTE} " if is_semaphore(item.context_expr, scope, cls) else ""
            note = f"{weak}`with {ast.unparse(item.context_expr)[:40]}` at line {node.lineno}"
            found.append(Frame(guard, node.lineno, note))
    frame = with_frame(node, scope)
    return (*found, frame) if frame is not None else tuple(found)


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
            note = f"contextlib.suppress at line {node.lineno}"
            return Frame("try", node.lineno, note, handles=True, catches=True)
    return None


def deadline_frame(node: ast.Call, scope: ModuleScope) -> Frame | None:
    name = scope.dotted(node.func) or ""
    if name in ("asyncio.wait_for", "anyio.fail_after"):
        return Frame("deadline", node.lineno, f"{name}() at line {node.lineno}")
    return None


def ctx_of(frames: tuple[Frame, ...]) -> Ctx:
    """What the frames around a call (outermost first) do for it."""
    handled = retry = deadline = fallback = breaker = limit = None
    for i in range(len(frames) - 1, -1, -1):
        f = frames[i]
        if f.kind == BREAKER:
            breaker = breaker or f.note
        elif f.kind == LIMIT:
            limit = limit or f.note
        if f.kind == "try" and f.fallback:
            fallback = fallback or f"except branch at line {f.line} calls a model"
        if f.kind == "try" and f.handles and not _exhausts_into_raise(frames, i):
            handled = handled or f.note
        elif f.kind == "handler":
            fallback = fallback or f"the call is the fallback in the {f.note}"
        elif f.kind == "deadline":
            deadline = deadline or f.note
        elif f.kind == "loop" and (f.tenacity or (f.retry_like and _try_inside(frames, i))):
            retry = retry or f.note
    return Ctx(handled, retry, deadline, fallback, breaker, limit)


def _try_inside(frames: tuple[Frame, ...], loop_index: int) -> bool:
    return any(f.kind == "try" and f.catches for f in frames[loop_index + 1 :])


def _exhausts_into_raise(frames: tuple[Frame, ...], try_index: int) -> bool:
    """The try sits in a loop that raises when exhausted, and its except only lets the loop go on."""
    if not frames[try_index].falls_through:
        return False
    for f in reversed(frames[:try_index]):
        if f.kind == "loop":
            # Only a loop that retries: a loop over items may raise when none succeeded, but each
            # item's error was handled.
            return f.raises_after and (f.retry_like or f.tenacity)
    return False


def _raises(handler: ast.ExceptHandler) -> bool:
    return _has(handler, ast.Raise)


def _has(handler: ast.ExceptHandler, kind: type[ast.stmt]) -> bool:
    """A statement of `kind` in the except body, outside nested functions and classes."""
    stack: list[ast.stmt] = list(handler.body)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, kind):
            return True
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            stack.extend(getattr(stmt, field, None) or ())
        for inner in getattr(stmt, "handlers", ()):
            stack.extend(inner.body)
        for case in getattr(stmt, "cases", ()):
            stack.extend(case.body)
    return False


def _catches(handler: ast.ExceptHandler, scope: ModuleScope) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(not _unrelated(t, scope) for t in types)


def _unrelated(exc: ast.expr, scope: ModuleScope) -> bool:
    name = ast.unparse(exc).rsplit(".", 1)[-1]
    if name in _UNRELATED:
        return True
    # botocore's ClientError is every AWS error response, throttling and 5xx included.
    return name in _NARROW and not (scope.dotted(exc) or "").startswith("botocore")


def _calls_model(handler: ast.ExceptHandler) -> bool:
    for sub in fast_walk(handler):
        if isinstance(sub, ast.Call):
            if any(kw.arg == "model" for kw in sub.keywords):
                return True
            if isinstance(sub.func, ast.Attribute) and sub.func.attr in _FALLBACK_CALLS:
                return True
    return False
