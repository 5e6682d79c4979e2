"""The project call graph: which functions call which, and the mitigations callers add (<= 3 levels)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from llmeng.audit.model import CallSite, Ctx, Edge, FuncSummary

MAX_CALLER_DEPTH = 3
# Method names too common to link an unresolved `obj.name()` to a project method of that name.
_GENERIC = frozenset(
    {
        "get",
        "run",
        "call",
        "__call__",
        "append",
        "update",
        "close",
        "start",
        "stop",
        "send",
        "read",
        "write",
        "format",
        "join",
        "items",
        "keys",
        "values",
        "copy",
        "add",
        "set",
    }
)
_MAX_CANDIDATES = 2
_KINDS = ("handled", "retry", "deadline", "fallback")


@dataclass(frozen=True)
class Mitigations:
    handled: str | None = None
    retry: str | None = None
    deadline: str | None = None
    fallback: str | None = None


class CallGraph:
    def __init__(self, functions: Iterable[FuncSummary]) -> None:
        self.funcs = {f.key: f for f in functions}
        self.by_name: dict[str, list[str]] = defaultdict(list)
        # By the last two names (`Class.method`, `module.func`): resolving a qualified callee is then
        # a lookup, not a scan of every function sharing its last name (thousands in a large file).
        self.by_tail: dict[str, list[str]] = defaultdict(list)
        for key in self.funcs:
            self.by_name[key.rsplit(".", 1)[-1]].append(key)
            self.by_tail[".".join(key.split(".")[-2:])].append(key)
        self.callers: dict[str, list[tuple[str, Edge]]] = defaultdict(list)
        for f in self.funcs.values():
            for edge in f.edges:
                for target in self.targets(edge.callee):
                    if target != f.key:
                        self.callers[target].append((f.key, edge))

    def targets(self, callee: str) -> list[str]:
        """Project functions a call-graph edge may reach."""
        if callee in self.funcs:
            return [callee]
        last = callee.rsplit(".", 1)[-1]
        candidates = self.by_name.get(last, [])
        if callee.startswith("*."):
            ok = last not in _GENERIC and len(candidates) <= _MAX_CANDIDATES
            return list(candidates) if ok else []
        if "." not in callee:
            return list(candidates)
        return list(self.by_tail.get(".".join(callee.split(".")[-2:]), []))

    def decorator_ctx(self, key: str) -> Ctx:
        """Mitigations a function's decorators give it: library ones and in-project wrappers."""
        func = self.funcs.get(key)
        if func is None:
            return Ctx()
        ctx = func.ctx
        for name in func.decorators:
            for target in self.targets(name):
                ctx = ctx.merged(self.funcs[target].wraps)
        return ctx

    def wrapper_ctx(self, key: str | None) -> Ctx:
        """What a project helper that was handed the LLM method does around it (loop, except)."""
        ctx = Ctx()
        for target in self.targets(key) if key is not None else ():
            ctx = ctx.merged(self.funcs[target].wraps)
        return ctx

    def mitigations(self, site: CallSite) -> Mitigations:
        """Mitigations for a call: on it, on its function, then on callers up to 3 levels away."""
        own = site.ctx.merged(self.decorator_ctx(site.function)).merged(self.wrapper_ctx(site.wrapper))
        found = dict(zip(_KINDS, _values(own), strict=True))
        frontier, seen = [site.function], {site.function}
        for _ in range(MAX_CALLER_DEPTH):
            if all(found.values()):
                break
            nxt = []
            for key in frontier:
                for caller, edge in self.callers.get(key, ()):
                    ctx = edge.ctx.merged(self.decorator_ctx(caller))
                    where = f"in caller {_short(caller)} ({self.funcs[caller].path}:{edge.line})"
                    for kind, value in zip(_KINDS, _values(ctx), strict=True):
                        if value and not found[kind]:
                            found[kind] = f"{value} {where}"
                    if caller not in seen:
                        seen.add(caller)
                        nxt.append(caller)
            frontier = nxt
        return Mitigations(**found)


def _values(ctx: Ctx) -> tuple[str | None, ...]:
    return (ctx.handled, ctx.retry, ctx.deadline, ctx.fallback)


def _short(key: str) -> str:
    return ".".join(key.split(".")[-2:])
