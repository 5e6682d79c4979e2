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
# An unresolved `obj.name()` may be any project method of that name. Up to 2 it is taken as a call of
# each; beyond that (an interface with many implementations) each link is a guess, and up to 50 the
# guesses still make paths: a handler around `self.llm.send()` covers every `send` it may reach.
_MAX_CANDIDATES = 2
_MAX_GUESSES = 50
_KINDS = ("handled", "retry", "deadline", "fallback", "breaker", "limit")
# Caller steps explored per function and kind: a helper called from hundreds of places stays bounded.
_MAX_STEPS = 2000
# Once an uncovered path is found the verdict is in; counting on only names more paths in the evidence.
_COUNT_STEPS = 200
_SHOWN = 3  # paths named in the evidence, per verdict


@dataclass(frozen=True)
class Coverage:
    """How the call paths of one call site stand for one kind of mitigation.

    A path runs from the call's function up through its callers until a caller adds the mitigation,
    no caller is known, or 3 levels are passed. `covered` holds (path, what covers it), `uncovered`
    the paths nothing covers; each path lists function keys from the call's function outwards.
    """

    covered: tuple[tuple[tuple[str, ...], str], ...] = ()
    uncovered: tuple[tuple[str, ...], ...] = ()
    cut: bool = False  # the search stopped early (see _MAX_STEPS): the counts are a lower bound
    sure: str | None = None  # what covers the first covered path that has no guessed link

    @property
    def full(self) -> bool:
        """Every path is covered."""
        return bool(self.covered) and not self.uncovered

    @property
    def where(self) -> str | None:
        """What covers the first covered path, and in which caller; None when no path is covered."""
        if not self.covered:
            return None
        path, how = self.covered[0]
        return how if len(path) == 1 else f"{how} in caller {path[-1]}"

    def paths(self, verb: str) -> str:
        """`1 of 2 paths: a() -> b() handles (...); c() -> b() does not`."""
        total = len(self.covered) + len(self.uncovered)
        more = "+" if self.cut else ""
        shown = [f"{_chain(p)} {verb} ({how})" for p, how in self.covered[:_SHOWN]]
        shown += [f"{_chain(p)} does not" for p in self.uncovered[:_SHOWN]]
        hidden = total - len(shown)
        tail = f"; and {hidden} more" if hidden > 0 else ""
        return f"{len(self.covered)} of {total}{more} paths: " + "; ".join(shown) + tail


@dataclass(frozen=True)
class Mitigations:
    handled: Coverage = Coverage()
    retry: Coverage = Coverage()
    deadline: Coverage = Coverage()
    fallback: Coverage = Coverage()
    breaker: Coverage = Coverage()
    limit: Coverage = Coverage()


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
        self._coverage: dict[tuple[str, str], Coverage] = {}
        # Every file's module body is a function `<module>.<module>`: it names the module of a path.
        self._modules = {
            f.path: f.key[: -len(".<module>")] for f in self.funcs.values() if f.key.endswith(".<module>")
        }
        self._decorated: dict[str, Ctx] = {}
        self.callers: dict[str, list[tuple[str, Edge, bool]]] = defaultdict(list)  # (caller, edge, guessed)
        for f in self.funcs.values():
            if _is_test(self._modules.get(f.path, f.key)):
                # Tests let errors reach the test runner on purpose: they are not paths the program runs.
                continue
            for edge in f.edges:
                targets = self.targets(edge.callee)
                guessed = edge.callee.startswith("*.") and len(targets) > _MAX_CANDIDATES
                for target in targets:
                    if target != f.key:
                        self.callers[target].append((f.key, edge, guessed))

    def targets(self, callee: str) -> list[str]:
        """Project functions a call-graph edge may reach."""
        if callee in self.funcs:
            return [callee]
        last = callee.rsplit(".", 1)[-1]
        candidates = self.by_name.get(last, [])
        if callee.startswith("*."):
            ok = last not in _GENERIC and len(candidates) <= _MAX_GUESSES
            return list(candidates) if ok else []
        if "." not in callee:
            return list(candidates)
        return list(self.by_tail.get(".".join(callee.split(".")[-2:]), []))

    def edge_ctx(self, caller: str, edge: Edge) -> Ctx:
        """What a caller adds around one call: the frames there, its decorators, and a project function
        that the callee is handed to and that wraps it (`retrying(self._ask)(**kwargs)`)."""
        ctx = edge.ctx.merged(self.decorator_ctx(caller))
        if edge.through is not None:
            for target in self.targets(edge.through):
                ctx = ctx.merged(self.funcs[target].wraps)
        return ctx

    def decorator_ctx(self, key: str) -> Ctx:
        """Mitigations a function's decorators give it: library ones and in-project wrappers."""
        if key in self._decorated:
            return self._decorated[key]
        func = self.funcs.get(key)
        if func is None:
            return Ctx()
        ctx = func.ctx
        for name in func.decorators:
            for target in self.targets(name):
                ctx = ctx.merged(self.funcs[target].wraps)
        self._decorated[key] = ctx
        return ctx

    def wrapper_ctx(self, key: str | None) -> Ctx:
        """What a project helper that was handed the LLM method does around it (loop, except)."""
        ctx = Ctx()
        for target in self.targets(key) if key is not None else ():
            ctx = ctx.merged(self.funcs[target].wraps)
        return ctx

    def mitigations(self, site: CallSite) -> Mitigations:
        """Per kind, the paths of a call (its function, then callers up to 3 levels) that it covers.

        A mitigation counts only on the paths through it: one caller's except does not cover the
        other callers of the same function (audit-rules.md, "the code as shipped").
        """
        own = _values(
            site.ctx.merged(self.decorator_ctx(site.function)).merged(self.wrapper_ctx(site.wrapper))
        )
        out = {}
        for kind, value in zip(_KINDS, own, strict=True):
            if value:
                out[kind] = Coverage(covered=(((self.name(site.function),), value),), sure=value)
            else:
                out[kind] = self._callers_coverage(site.function, kind)
        return Mitigations(**out)

    def _callers_coverage(self, function: str, kind: str) -> Coverage:
        key = (function, kind)
        if key not in self._coverage:
            self._coverage[key] = self._search(function, _KINDS.index(kind))
        return self._coverage[key]

    def _search(self, function: str, index: int) -> Coverage:
        covered: list[tuple[tuple[str, ...], str]] = []
        uncovered: list[tuple[str, ...]] = []
        sure = None
        budget = _MAX_STEPS
        stack: list[tuple[tuple[str, ...], bool]] = [((function,), False)]
        while stack and budget > 0 and not (uncovered and budget < _MAX_STEPS - _COUNT_STEPS):
            path, guessed = stack.pop()
            known = self.callers.get(path[-1], ())
            if len(path) > MAX_CALLER_DEPTH or not known:
                uncovered.append(path)
                continue
            # Callers already on the path only lead round a cycle; its entries are paths of their own.
            for caller, edge, guess in reversed(known):
                if caller in path:
                    continue
                budget -= 1
                value = _values(self.edge_ctx(caller, edge))[index]
                if not value:
                    stack.append(((*path, caller), guessed or guess))
                    continue
                how = f"{value}, {self.funcs[caller].path}:{edge.line}"
                covered.append(((*path, caller), how))
                if sure is None and not (guessed or guess):
                    sure = f"{how} in caller {self.name(caller)}"
        return Coverage(
            tuple((tuple(map(self.name, p)), how) for p, how in covered),
            tuple(tuple(map(self.name, p)) for p in uncovered),
            cut=bool(stack),
            sure=sure,
        )

    def name(self, key: str) -> str:
        """A function key without its module: `Class.method` or `function`."""
        func = self.funcs.get(key)
        module = self._modules.get(func.path) if func is not None else None
        return key[len(module) + 1 :] if module and key.startswith(module + ".") else _name(key)


def _is_test(module: str) -> bool:
    """A module of the project's tests (named from its path under the audited root)."""
    parts = module.split(".")
    last = parts[-1]
    return (
        last.startswith("test_")
        or last.endswith("_test")
        or last == "conftest"
        or any(p in ("tests", "test") for p in parts[:-1])
    )


def _values(ctx: Ctx) -> tuple[str | None, ...]:
    return (ctx.handled, ctx.retry, ctx.deadline, ctx.fallback, ctx.breaker, ctx.limit)


def _chain(path: tuple[str, ...]) -> str:
    """`outer() -> inner() -> leaf()`: a path from its outermost caller down to the call's function."""
    return " -> ".join(f"{_name(k)}()" for k in reversed(path))


def _name(key: str) -> str:
    return key.rsplit(".", 1)[-1]
