"""Values across modules: resolve the Refs each module exported (refs.py) once the project is known.

A call site whose receiver no module could resolve by itself names what the receiver may hold
(`provider.llm` where `provider = get_llm(...)`); here that is followed through other modules'
returns, class attributes, constructor arguments and base classes to the clients behind it. Names are
matched as the call graph matches them: exactly, else by their last two parts, else by a last part
only one project function or class has.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

from llmeng.audit.clients import also, badness
from llmeng.audit.knowledge import Knowledge
from llmeng.audit.model import UNKNOWN, CallSite, ClientFacts, FileSummary, FlowFacts, Ref, Setting
from llmeng.findings import Confidence

_MAX_DEPTH = 8
_MAX_VALUES = 6
# Method names too common to pick a project method by name alone (the call graph's list, plus verbs).
_GENERIC = frozenset(
    {"get", "run", "call", "create", "__call__", "build", "load", "make", "new", "init", "clone", "copy"}
)

Value = ClientFacts | str  # a client, or an instance of the project class with that key


class Flow:
    def __init__(self, summaries: Sequence[FileSummary], knowledge: Knowledge) -> None:
        self.k = knowledge
        self.returns: dict[str, tuple[Ref, ...]] = {}
        self.attrs: dict[str, tuple[Ref, ...]] = {}
        self.params: dict[str, tuple[str, ...]] = {}
        self.bases: dict[str, tuple[str, ...]] = {}
        self.globals: dict[str, tuple[Ref, ...]] = {}
        passed: dict[str, list[Ref]] = defaultdict(list)
        for s in summaries:
            f: FlowFacts = s.flow
            self.returns.update(f.returns)
            self.attrs.update(f.attrs)
            self.params.update(f.params)
            self.bases.update(f.bases)
            self.globals.update(f.globals)
            for key, refs in f.passed.items():
                passed[key].extend(refs)
        self.keys = _Names([*self.returns, *self.bases, *self.params])
        self.global_names = _Names(self.globals)
        self.classes = set(self.bases)
        self.methods: dict[str, list[str]] = defaultdict(list)
        for key in self.returns:
            self.methods[key.rsplit(".", 1)[-1]].append(key)
        # Constructor arguments by the project class (key) they construct, then by slot.
        self.passed: dict[str, dict[str, list[Ref]]] = defaultdict(lambda: defaultdict(list))
        for key, args in passed.items():
            callee, _, slot = key.rpartition("#")
            for target in self.keys.find(callee):
                self.passed[target][slot].extend(args)
        self._memo: dict[Ref, tuple[Value, ...] | None] = {}
        self.subclasses: dict[str, list[str]] = defaultdict(list)
        for cls in self.classes:
            for base in self.lineage(cls)[1:]:
                self.subclasses[base].append(cls)
        # Names of every project function: a one-word shape the project defines is the project's call.
        self.defined = {f.key.rsplit(".", 1)[-1] for s in summaries for f in s.functions}

    def clients(self, refs: Sequence[Ref], method: str | None = None) -> list[ClientFacts]:
        """The clients refs may hold, worst timeout first; with `method`, only those whose SDK has it."""
        found = [v for r in refs for v in self.values(r) if isinstance(v, ClientFacts)]
        if method is not None:
            found = [c for c in found if self._calls(c, method)]
        unique = list(dict.fromkeys(found))
        return sorted(unique, key=lambda c: badness(c.timeout), reverse=True)

    def values(self, ref: Ref, depth: int = 0) -> tuple[Value, ...]:
        if ref in self._memo:
            return self._memo[ref] or ()
        if depth > _MAX_DEPTH:
            return ()
        self._memo[ref] = None  # in progress: a cycle yields nothing
        out = tuple(dict.fromkeys(self._values(ref, depth)))[:_MAX_VALUES]
        self._memo[ref] = out
        return out

    def _values(self, ref: Ref, depth: int) -> Iterable[Value]:
        if ref.kind == "client" and ref.client is not None:
            yield ref.client
        elif ref.kind == "instance":
            yield from (t for t in self.keys.find(ref.name) if t in self.classes)
        elif ref.kind == "call":
            for target in self.keys.find(ref.name):
                if target in self.classes:
                    yield target
                else:
                    returned = self._all(self.returns.get(target, ()), depth)
                    yield from _noted(returned, f"returned by {_short(target)}()")
        elif ref.kind == "attr" and ref.base is not None:
            for value in self.values(ref.base, depth + 1):
                if isinstance(value, str):
                    # The class and its bases; then subclasses (an attribute only they set).
                    for cls in (*self.lineage(value), *self.subclasses.get(value, ())):
                        key = f"{cls}.{ref.name}"
                        # An attribute, or a property computing it (its return value).
                        held = self._all(self.attrs.get(key) or self.returns.get(key, ()), depth)
                        yield from _noted(held, f"held by {_short(cls)}.{ref.name}")
        elif ref.kind == "method" and ref.base is not None:
            yield from self._method(ref, depth)
        elif ref.kind == "param":
            yield from self._param(ref.name, depth)
        elif ref.kind == "global":
            for key in self.global_names.find(ref.name):
                yield from _noted(self._all(self.globals[key], depth), f"module global {_short(key)}")

    def _method(self, ref: Ref, depth: int) -> Iterable[Value]:
        assert ref.base is not None
        bases = [v for v in self.values(ref.base, depth + 1) if isinstance(v, str)]
        # The class and its bases first; then subclasses that override it (an abstract base method).
        chain = [c for b in bases for c in (*self.lineage(b), *self.subclasses.get(b, ()))]
        keys = [f"{c}.{ref.name}" for c in chain if f"{c}.{ref.name}" in self.returns]
        if not bases:
            # An object no module resolved: a method name only one or two project classes define.
            named = self.methods.get(ref.name, [])
            keys = named if ref.name not in _GENERIC and 0 < len(named) <= 2 else []
        for key in keys[:2]:
            yield from self._all(self.returns.get(key, ()), depth)

    def _param(self, name: str, depth: int) -> Iterable[Value]:
        func, _, param = name.rpartition("#")
        owner, _, method = func.rpartition(".")
        # A constructor's arguments are passed to its class; any other function's to itself.
        owner = owner if method == "__init__" else func
        slots = self.passed.get(owner, {})
        positional = self.params.get(func, ())
        index = str(positional.index(param)) if param in positional else None
        refs = [*slots.get(param, []), *(slots.get(index, []) if index else [])]
        yield from _noted(self._all(refs, depth), f"passed to {_short(owner)}({param})")

    def lineage(self, cls: str) -> list[str]:
        """A project class and its project base classes, nearest first."""
        out: list[str] = []
        todo = [cls]
        while todo and len(out) < 6:
            key = todo.pop(0)
            if key in out:
                continue
            out.append(key)
            todo.extend(t for b in self.bases.get(key, ()) for t in self.keys.find(b) if t in self.classes)
        return out

    def _all(self, refs: Iterable[Ref], depth: int) -> Iterable[Value]:
        for r in refs:
            yield from self.values(r, depth + 1)

    def _calls(self, client: ClientFacts, method: str) -> bool:
        sdk = self.k.sdks.get(client.sdk)
        return sdk is not None and (method in sdk.methods or method in sdk.embedding_methods)

    def resolve(self, site: CallSite) -> CallSite | None:
        """A site with its receiver resolved across modules; a pending site that resolves to no client
        whose SDK has its method is no call site (None)."""
        ours = site.shape is not None and site.shape in self.defined
        if not site.receiver:
            return None if ours else site
        method = site.method or (site.shape if ours else None)
        clients = self.clients(site.receiver, method)
        if not clients:
            return None if site.pending or ours else site
        client = clients[0]
        via = client.via + also(c.via for c in clients[1:] if c.via != client.via)
        if site.pending:
            return _promoted(site, client, via, self.k)
        if UNKNOWN not in (site.timeout.state, site.attempts.state, site.max_tokens.state):
            return site
        return replace(
            site,
            timeout=_fill(site.timeout, client.timeout),
            attempts=_fill(site.attempts, client.attempts),
            max_tokens=_fill(site.max_tokens, client.max_tokens),
            sdk=client.sdk,
            via=via,
            confidence=Confidence.MEDIUM,
        )


def _noted(values: Iterable[Value], note: str) -> Iterable[Value]:
    for v in values:
        yield replace(v, via=f"{v.via}, {note}") if isinstance(v, ClientFacts) and note not in v.via else v


def _short(key: str) -> str:
    parts = key.split(".")
    return ".".join(parts[-2:]) if len(parts) > 1 and parts[-2][:1].isupper() else parts[-1]


def _promoted(site: CallSite, client: ClientFacts, via: str, k: Knowledge) -> CallSite:
    sdk = k.sdks[client.sdk]
    method = site.pending or ""
    return replace(
        site,
        sdk=sdk.key,
        provider=sdk.provider,
        via=via,
        confidence=Confidence.MEDIUM,
        timeout=_fill(site.timeout, client.timeout),
        attempts=_fill(site.attempts, client.attempts),
        max_tokens=_fill(site.max_tokens, client.max_tokens),
        kind="embed" if method in sdk.embedding_methods else "generate",
        pending=None,
    )


def _fill(own: Setting, client: Setting) -> Setting:
    return client if own.state == UNKNOWN else own


class _Names:
    """Dotted project names found as the call graph finds them (an import path may re-export)."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.exact = set(keys)
        self.by_tail: dict[str, list[str]] = defaultdict(list)
        self.by_last: dict[str, list[str]] = defaultdict(list)
        for key in self.exact:
            parts = key.split(".")
            self.by_tail[".".join(parts[-2:])].append(key)
            self.by_last[parts[-1]].append(key)

    def find(self, name: str) -> list[str]:
        if name in self.exact:
            return [name]
        parts = name.split(".")
        pair = self.by_tail.get(".".join(parts[-2:]), []) if len(parts) >= 2 else []
        if pair or (len(parts) >= 2 and parts[-2][:1].isupper()):  # Class.method: the pair names it
            return pair[:2]
        found = self.by_last.get(parts[-1], [])
        return found if len(found) == 1 else []


def bearers(summaries: Sequence[FileSummary]) -> set[str]:
    """Last names of the project functions and classes that hand out a client: a factory returning one,
    a class with an attribute holding one, a function returning an object of such a class (to a fixed
    point). Names of functions merely called on such objects are not included."""
    returns = [(k.rsplit(".", 1)[-1], refs) for s in summaries for k, refs in s.flow.returns.items()]
    attrs = [(k.split(".")[-2:], refs) for s in summaries for k, refs in s.flow.attrs.items()]
    names: set[str] = set()
    held: set[str] = set()  # attribute names that hold a client somewhere
    while True:
        size = len(names) + len(held)
        names |= {name for name, refs in returns if any(_bears(r, names, held) for r in refs)}
        for (cls, attr), refs in attrs:
            if any(_bears(r, names, held) for r in refs):
                names.add(cls)
                held.add(attr)
        if len(names) + len(held) == size:
            # A name as common as `create` would have most files parsed for nothing.
            return names - _GENERIC


def _bears(ref: Ref, names: set[str], held: set[str]) -> bool:
    if ref.kind == "client":
        return True
    if ref.kind in ("call", "instance", "method"):
        return ref.name.rsplit(".", 1)[-1] in names
    if ref.kind == "attr":
        return ref.name in held and ref.base is not None and _bears(ref.base, names, held)
    return False
