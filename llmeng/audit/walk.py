"""Walk each function once: find LLM calls, the mitigations around every call, and call-graph edges."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace

from llmeng.audit import frames as fr
from llmeng.audit import guards
from llmeng.audit.clients import is_self_attr
from llmeng.audit.detected import Detected
from llmeng.audit.fastwalk import CHILD_FIELDS, children
from llmeng.audit.fastwalk import walk as fast_walk
from llmeng.audit.model import Ctx, Edge
from llmeng.audit.resolve import Resolver
from llmeng.audit.scope import FuncInfo, ModuleScope
from llmeng.audit.taint import sink_kind
from llmeng.audit.values import Env

_RETRY_LIBS = ("tenacity", "backoff", "stamina", "retrying", "retry", "async_retrying", "aioretry")
_CACHE_DECORATORS = ("functools.lru_cache", "functools.cache", "lru_cache", "cache")
_CACHE_HINTS = ("cachetools.", "diskcache.", ".memoize", "cache_data", "cache_resource", "aiocache.")
_SCOPE_BREAKERS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass
class Found:
    det: Detected
    env: Env
    ctx: Ctx
    function: str


@dataclass
class FuncWalk:
    key: str
    decorators: tuple[str, ...]
    ctx: Ctx
    wraps: Ctx
    edges: list[Edge] = field(default_factory=list)
    calls_param: bool = False  # calls one of its parameters: a helper that may wrap a callable


class Walker:
    def __init__(self, scope: ModuleScope, resolver: Resolver) -> None:
        self.scope = scope
        self.resolver = resolver
        self.found: list[Found] = []
        # Calls of classes (`Provider(llm)`, `cls(llm)`): where constructor arguments come from (refs.py)
        self.constructions: list[tuple[ast.Call, Env]] = []
        self.handing: list[tuple[ast.Call, Env]] = []  # other calls with a name argument: a client handed on?
        self.funcs: list[FuncWalk] = []
        self.has_sink = False
        self._raise_loops: set[int] = set()  # loops that raise when exhausted (frames.loops_then_raise)
        # Keys of the functions that hold another one: one pass, not a scan of all per function
        # (a file with 16k functions took minutes).
        self._enclosing = {k.rsplit(".", 1)[0] for k in scope.functions}

    def run(self, tree: ast.Module) -> None:
        self._raise_loops = fr.loops_then_raise(tree.body)
        module = FuncWalk(f"{self.scope.module}.<module>", (), Ctx(), Ctx())
        self.funcs.append(module)
        for stmt in tree.body:
            if not isinstance(stmt, _SCOPE_BREAKERS):
                self._visit(stmt, (), Env(self.scope, None), module)
        for info in self.scope.functions.values():
            walk = FuncWalk(info.key, *self._decorators(info))
            self.funcs.append(walk)
            env = Env(self.scope, info)
            for stmt in info.node.body:
                self._visit(stmt, (), env, walk)
            if walk.calls_param and info.key not in self._enclosing:
                # `def call(self, fn, *a, **kw)`: what it does around fn, for calls handing it an LLM method
                walk.wraps = _wraps(info.node, self.scope, "helper")

    def _visit(self, node: ast.AST, frames: tuple[fr.Frame, ...], env: Env, walk: FuncWalk) -> None:
        if isinstance(node, _SCOPE_BREAKERS):
            return
        if isinstance(node, ast.Try) or (hasattr(ast, "TryStar") and isinstance(node, ast.TryStar)):
            inner = (*frames, fr.try_frame(node, self.scope))  # type: ignore[arg-type]
            for stmt in node.body:
                self._visit(stmt, inner, env, walk)
            for handler in node.handlers:
                # A model call inside an except branch is itself the fallback answer.
                fallback = fr.Frame("handler", handler.lineno, f"except branch at line {handler.lineno}")
                self._visit(handler, (*frames, fallback), env, walk)
            for part in (*node.orelse, *node.finalbody):
                self._visit(part, frames, env, walk)
            return
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            self._visit(node.iter if not isinstance(node, ast.While) else node.test, frames, env, walk)
            raises_after = id(node) in self._raise_loops
            inner = (*frames, fr.loop_frame(node, self.scope, raises_after=raises_after))
            for stmt in node.body:
                self._visit(stmt, inner, env, walk)
            for stmt in node.orelse:
                self._visit(stmt, frames, env, walk)
            return
        if isinstance(node, (ast.With, ast.AsyncWith)):
            cls = env.func.cls if env.func else None
            inner = (*frames, *fr.with_frames(node, self.scope, cls))
            for item in node.items:
                self._visit(item.context_expr, frames, env, walk)
            for stmt in node.body:
                self._visit(stmt, inner, env, walk)
            return
        if isinstance(node, ast.expr):
            self._expr(node, frames, env, walk)
            return
        for child in children(node):
            self._visit(child, frames, env, walk)

    def _expr(self, root: ast.expr, frames: tuple[fr.Frame, ...], env: Env, walk: FuncWalk) -> None:
        # Expressions change no frame except a deadline call's arguments, so a flat stack suffices.
        fields = CHILD_FIELDS
        stack: list[object] = [root]
        while stack:
            node = stack.pop()
            names = fields.get(type(node))
            if names is None:
                continue
            if type(node) is ast.Call:
                self._call(node, frames, env, walk)  # type: ignore[arg-type]
                deadline = fr.deadline_frame(node, self.scope)  # type: ignore[arg-type]
                if deadline is not None:
                    for child in children(node):  # type: ignore[arg-type]
                        self._visit(child, (*frames, deadline), env, walk)
                    continue
            for f in names:
                value = getattr(node, f, None)
                if type(value) is list:
                    stack.extend(value)
                elif value is not None:
                    stack.append(value)

    def _call(self, node: ast.Call, frames: tuple[fr.Frame, ...], env: Env, walk: FuncWalk) -> None:
        ctx = fr.ctx_of(frames)
        det = self.resolver.detect(node, env)
        if det is not None:
            self.found.append(Found(det, env, ctx, walk.key))
            return
        candidate = self.resolver.candidate(node, env)
        if candidate is not None:
            # Kept as a call-graph edge too: most `x.run()` calls are not model calls.
            self.found.append(Found(candidate, env, ctx, walk.key))
        if not self.has_sink and sink_kind(node, self.scope) is not None:
            self.has_sink = True
        if isinstance(node.func, ast.Name) and env.func is not None and node.func.id in env.func.params:
            walk.calls_param = True
        if (node.args or node.keywords) and _constructs(node.func):
            self.constructions.append((node, env))
        elif any(isinstance(a, (ast.Name, ast.Attribute)) for a in node.args):
            self.handing.append((node, env))
        if isinstance(node.func, ast.Attribute) and node.func.attr in guards.METHODS:
            # `await limiter.acquire()` paces what the function calls; `breaker.call(ask, q)` guards ask.
            cls = env.func.cls if env.func else None
            walk.ctx = walk.ctx.merged(guards.acquire_ctx(node, self.scope, cls))
            ctx = ctx.merged(guards.through_ctx(node, self.scope, cls))
        callee = self._callee(node.func, env)
        if callee is not None:
            walk.edges.append(Edge(callee, node.lineno, ctx))
        for arg in node.args:
            # executor.submit(self.ask, q) / loop.run_in_executor(None, ask): the callable runs here.
            ref = self._callee(arg, env) if isinstance(arg, (ast.Name, ast.Attribute)) else None
            if ref is not None and not ref.startswith("*."):
                if not ctx.handled and _submits(node):
                    ctx = replace(ctx, handled=self._result_handled(env))
                walk.edges.append(Edge(ref, node.lineno, ctx, callee))

    def _result_handled(self, env: Env) -> str | None:
        # Errors of a submitted callable surface at future.result(); a try around that handles them.
        if env.func is None:
            return None
        for sub in fast_walk(env.func.node):
            if (
                isinstance(sub, ast.Try)
                and fr.try_frame(sub, self.scope).handles
                and any(
                    isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr == "result"
                    for stmt in sub.body
                    for c in fast_walk(stmt)
                )
            ):
                return f"try/except around future.result() at line {sub.lineno}"
        return None

    def callee_of(self, func: ast.expr, env: Env) -> str | None:
        """The call-graph key a call's function expression points at."""
        return self._callee(func, env)

    def wrapper_of(self, func: ast.expr, env: Env) -> str | None:
        """The call-graph key of a helper an LLM method is handed to; `self.retryer` set to
        `Retrying(...)` in `__init__` is `Retrying.__call__`."""
        if is_self_attr(func) and env.self_class:
            attr = func.attr  # type: ignore[attr-defined]
            for info in self.resolver.clients.lineage(self.scope, env.self_class):
                for value in info.attrs.get(attr, []):
                    if isinstance(value, ast.Call):
                        made = self._callee(value.func, env)
                        if made is not None and not made.startswith("*."):
                            return f"{made}.__call__"
        return self._callee(func, env)

    def _callee(self, func: ast.expr, env: Env) -> str | None:
        if isinstance(func, ast.Name):
            if func.id in self.scope.imports:
                return self.scope.imports[func.id]
            return f"{self.scope.module}.{func.id}"
        if isinstance(func, ast.Attribute):
            base = func.value
            if isinstance(base, ast.Name) and base.id in ("self", "cls") and env.func and env.func.cls:
                return f"{self.scope.module}.{env.func.cls}.{func.attr}"
            dotted = self.scope.dotted(func)
            if dotted and isinstance(base, ast.Name) and base.id in self.scope.imports:
                return dotted
            return f"*.{func.attr}"
        return None

    def _decorators(self, info: FuncInfo) -> tuple[tuple[str, ...], Ctx, Ctx]:
        names: list[str] = []
        ctx = Ctx()
        for dec in info.node.decorator_list:
            target = dec.func if isinstance(dec, ast.Call) else dec
            name = self.scope.dotted(target) or ast.unparse(target)
            names.append(name)
            ctx = ctx.merged(_library_decorator(name, dec, info.node.lineno))
            ctx = ctx.merged(guards.decorator_ctx(dec, self.scope, info.cls))
        nested = info.key in self._enclosing
        return tuple(names), ctx, _wraps(info.node, self.scope) if nested else Ctx()


_EXECUTOR_METHODS = frozenset({"submit", "map", "run_in_executor", "apply_async"})


def _constructs(func: ast.expr) -> bool:
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name[:1].isupper() or name == "cls"


def _submits(node: ast.Call) -> bool:
    return isinstance(node.func, ast.Attribute) and node.func.attr in _EXECUTOR_METHODS


def _library_decorator(name: str, dec: ast.expr, line: int) -> Ctx:
    src = ast.unparse(dec)
    head = name.split(".")[0]
    if head in _RETRY_LIBS and "." in name or name in ("retry", "retry_async"):
        deadline = f"tenacity stop_after_delay on @{name}" if "stop_after_delay" in src else None
        return Ctx(retry=f"@{name} decorator (line {dec.lineno})", deadline=deadline)
    if name in ("timeout_decorator.timeout", "func_timeout.func_set_timeout"):
        return Ctx(deadline=f"@{name} (line {dec.lineno})")
    if name in _CACHE_DECORATORS or any(h in name for h in _CACHE_HINTS):
        return Ctx(fallback=f"response cache @{name} (line {dec.lineno})")
    return Ctx()


def _wraps(node: ast.FunctionDef | ast.AsyncFunctionDef, scope: ModuleScope, role: str = "decorator") -> Ctx:
    """What this function does for the functions it decorates (or, as a helper, for those handed to it)."""
    handles, retries = fr.wrapper_effects(node, scope)
    handled = f"error-handling {role} {node.name} (line {node.lineno})" if handles else None
    retry = f"retry {role} {node.name} (line {node.lineno})" if retries else None
    return Ctx(handled=handled, retry=retry)
