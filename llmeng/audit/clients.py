"""Which LLM client (or SDK module) an expression holds, within one module.

Followed: constructors, option layers (`with_options`, `bind`, LCEL pipes), names and `self.` attributes
(also those a base class sets, read for the subclass), type hints, factories (`make_client()`,
`self._create_client()`, dispatched on the subclass first), both arms of `a if c else b` and `a or b`,
pydantic/dataclass field defaults, and parameters: a parameter holds what the module's own calls pass
for it (`cls(ChatOpenAI(...))` for `__init__(self, llm)`, `ask(OpenAI())` for `def ask(client)`).
"""

from __future__ import annotations

import ast
import copy
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import replace

from llmeng.audit.detected import ClientRef, Detected
from llmeng.audit.fastwalk import statements
from llmeng.audit.fastwalk import walk as fast_walk
from llmeng.audit.knowledge import Knowledge
from llmeng.audit.model import DEFAULT, SET, Setting
from llmeng.audit.scope import ClassInfo, FuncInfo, ModuleScope
from llmeng.audit.settings import Resolved, resolve_settings
from llmeng.audit.values import Env, fold
from llmeng.findings import Confidence

OPTION_METHODS = ("with_options", "copy", "bind")
PASS_THROUGH = (
    "with_config",
    "with_structured_output",
    "bind_tools",
    "with_listeners",
    "with_types",
    "pipe",
)
MODIFIERS = ("with_retry", "with_fallbacks")
# pydantic Field / dataclasses field / attrs: the default a class attribute starts with.
_FIELD_CALLS = frozenset({"Field", "field", "ib", "attrib"})
MAX_DEPTH = 5
_MAX_BASES = 4
_MAX_REGISTERED = 24  # entries of a registry dict tried as candidates


class Clients:
    """Client resolution for one module (a Resolver is made per file)."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.k = knowledge
        # SDK modules whose functions call a model with a default client (litellm, ollama, ...).
        self.modules = {
            module: key
            for name, key in knowledge.function_index.items()
            if (module := name.rsplit(".", 1)[0]).islower()  # a module, not a class (ChatCompletion.create)
        }
        # (function key, class self is) -> the client it returns (None: none, or still being resolved).
        # Without this, mutually recursive helpers make factory lookup exponential.
        self._returns: dict[tuple[str, str | None], ClientRef | None] = {}
        self._passed: dict[tuple[str, str], ClientRef | None] = {}
        # Off while a module's exports are computed: a parameter is then exported as a name (refs.py)
        # for flow.py to resolve, instead of reading every call of the function in this module.
        self.follow_params = True
        self._calls: dict[str, list[tuple[ast.Call, FuncInfo | None]]] | None = None

    def settings(self, client: ClientRef) -> Resolved:
        """The settings a client carries by itself (what a factory function hands out)."""
        probe = ast.Call(func=ast.Name("_", ast.Load()), args=[], keywords=[])
        return resolve_settings(
            Detected(probe, client.sdk, client, False, client.confidence, client.via), client.env
        )

    def client_of(self, expr: ast.expr, env: Env, depth: int) -> ClientRef | None:
        """The client an expression evaluates to, through bindings, hints and option layers."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(expr, ast.Await):
            return self.client_of(expr.value, env, depth + 1)
        if isinstance(expr, ast.Call):
            return self._of_call(expr, env, depth)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
            # LCEL: `prompt | llm | parser` calls llm
            for side in (expr.left, expr.right):
                found = self.client_of(side, env, depth + 1)
                if found is not None:
                    found.confidence, found.via = Confidence.MEDIUM, f"{found.via}, through an LCEL pipe"
                    return found
            return None
        if isinstance(expr, (ast.IfExp, ast.BoolOp)):
            return self._first(arms(expr, env), env, depth)
        if isinstance(expr, ast.Name):
            return self._of_name(expr, env, depth)
        if isinstance(expr, ast.Subscript):
            return self._registered(expr.value, None, env, depth)
        if is_self_attr(expr) and env.self_class:
            return self._of_self(expr, env, depth)  # type: ignore[arg-type]
        return None

    def _of_call(self, expr: ast.Call, env: Env, depth: int) -> ClientRef | None:
        func = expr.func.value if isinstance(expr.func, ast.Subscript) else expr.func  # Agent[T](...)
        name = env.scope.dotted(func) or ""
        key = self.k.ctor_sdk(name)
        if key is None and isinstance(func, ast.Attribute) and func.attr == "client":
            key = "bedrock" if "bedrock" in self.k.sdks else None
        if key is not None:
            sdk = self.k.sdks[key]
            if sdk.service and service_name(expr) != sdk.service:
                return None
            # A class matched by a name pattern of its library is a likely model, not a known one.
            conf = Confidence.HIGH if name in self.k.ctor_index else Confidence.MEDIUM
            return ClientRef(sdk, expr, env, f"{name.rsplit('.', 1)[-1]}() at line {expr.lineno}", conf)
        if name.rsplit(".", 1)[-1] in _FIELD_CALLS:
            return self._of_field(expr, env, depth)
        if name in self.k.wrappers and expr.args:  # instructor.from_openai(client): still that client
            inner = self.client_of(expr.args[0], env, depth + 1)
            if inner is not None:
                inner.via += f", wrapped by {name.rsplit('.', 1)[-1]}()"
            return inner
        registry, builds = _registry(expr)
        if registry is not None:
            # PROVIDERS[name](**kw) / PROVIDERS.get(name)(**kw) builds one of the registered classes;
            # CLIENTS.get(name) is one of the registered clients.
            found = self._registered(registry, expr if builds else None, env, depth)
            if found is not None:
                return found
        if isinstance(func, ast.Attribute):
            attr = func.attr
            if attr in OPTION_METHODS or attr in PASS_THROUGH or attr in MODIFIERS:
                inner = self.client_of(func.value, env, depth + 1)
                if inner is not None:
                    if attr in OPTION_METHODS:
                        inner.layers.insert(0, (expr, env))
                    elif attr not in PASS_THROUGH:
                        inner.modifiers[attr] = expr.lineno
                return inner
        return self._of_factory(expr, env, depth)

    def _registered(
        self, registry: ast.expr, call: ast.Call | None, env: Env, depth: int
    ) -> ClientRef | None:
        """The worst client a dict registry holds, or builds when `call` calls what it holds."""
        values: list[ast.expr] = []
        for bound in self._bound(registry, env):
            if isinstance(bound, ast.Dict):
                values += bound.values
            elif isinstance(bound, ast.DictComp):
                values.append(bound.value)
        if call is not None:
            values = [
                ast.copy_location(ast.Call(func=v, args=call.args, keywords=call.keywords), call)
                for v in values
            ]
        found = self._worst([self.client_of(v, env, depth + 1) for v in values[:_MAX_REGISTERED]])
        if found is not None:
            found.via += f", from the registry {ast.unparse(registry)[:30]}"
        return found

    def _bound(self, expr: ast.expr, env: Env) -> list[ast.expr]:
        """What a name or `self.` attribute is bound to, here or in the module."""
        if isinstance(expr, ast.Name):
            if env.func is not None and expr.id in env.func.bindings:
                return env.func.bindings[expr.id]
            return env.scope.bindings.get(expr.id, [])
        if is_self_attr(expr) and env.self_class:
            attr = expr.attr  # type: ignore[attr-defined]
            return [v for c in self.lineage(env.scope, env.self_class) for v in c.attrs.get(attr, [])]
        return [expr]

    def _of_field(self, expr: ast.Call, env: Env, depth: int) -> ClientRef | None:
        for kw in expr.keywords:
            if kw.arg == "default":
                return self.client_of(kw.value, env, depth + 1)
            if kw.arg == "default_factory":
                made = kw.value.body if isinstance(kw.value, ast.Lambda) else _called(kw.value)
                return self.client_of(made, env, depth + 1)
        return self.client_of(expr.args[0], env, depth + 1) if expr.args else None

    def _of_factory(self, expr: ast.Call, env: Env, depth: int) -> ClientRef | None:
        # make_client() or self._create_chat_model(): a function in this module returning a client
        cls = None
        if isinstance(expr.func, ast.Name):
            candidates = env.scope.named(expr.func.id, method=False)
        elif is_self_attr(expr.func) and env.self_class:
            cls = env.self_class
            candidates = self.methods(env.scope, cls, expr.func.attr)  # type: ignore[attr-defined]
        else:
            return None
        for info in candidates:
            found = self.returned_client(info, env.scope, depth, cls)
            if found is not None:
                return found
        return None

    def methods(self, scope: ModuleScope, cls: str, name: str) -> list[FuncInfo]:
        """Methods `name` as `self.name` reaches them from `cls`: its own, its bases', then any class's."""
        own = scope.functions.get(f"{scope.module}.{cls}.{name}")
        if own is not None:
            return [own]
        found = [
            scope.functions[key]
            for c in self.lineage(scope, cls)
            if (key := f"{scope.module}.{c.name}.{name}") in scope.functions
        ]
        return found[:1] or scope.named(name, method=True)

    def lineage(self, scope: ModuleScope, cls: str) -> Iterator[ClassInfo]:
        """The class, then its base classes defined in the same module (nearest first)."""
        seen: set[str] = set()
        todo = [cls]
        while todo and len(seen) < _MAX_BASES:
            name = todo.pop(0)
            info = scope.classes.get(name)
            if info is None or name in seen:
                continue
            seen.add(name)
            yield info
            todo.extend(b.id if isinstance(b, ast.Name) else "" for b in info.bases)

    def returned_client(
        self, info: FuncInfo, scope: ModuleScope, depth: int = 0, cls: str | None = None
    ) -> ClientRef | None:
        """The client a function returns, if any (a fresh copy: callers add layers to it)."""
        memo = (info.key, cls)
        if memo not in self._returns:
            self._returns[memo] = None
            for value in info.returns:
                found = self.client_of(value, Env(scope, info, cls), depth + 1)
                if found is not None:
                    found.via += f", returned by {info.node.name}()"
                    self._returns[memo] = found
                    break
            ann = info.node.returns
            if self._returns[memo] is None and ann is not None:
                # `def get_agent(self) -> pydantic_ai.Agent: raise NotImplementedError` (overridden)
                self._returns[memo] = self._hinted(
                    ann, Env(scope, info), f"return type of {info.node.name}()"
                )
        return _fresh(self._returns[memo])

    def _of_name(self, expr: ast.Name, env: Env, depth: int) -> ClientRef | None:
        func = env.func
        if func is not None and expr.id in func.bindings:
            found = self._first(live(func.bindings[expr.id], env), env, depth)
            if found is not None or expr.id not in func.params:
                return found
        if func is not None and expr.id in func.params:
            # What this module's callers pass (a client built where its settings can be read) beats
            # the type hint, which names the SDK only.
            passed = self._passed_for(func, expr.id, env, depth) if self.follow_params else None
            ann = func.params[expr.id].annotation
            return passed or (self._hinted(ann, env, f"type hint of parameter {expr.id}") if ann else None)
        if expr.id in env.scope.bindings:
            # Each value where it was bound: a function that declared the name global, or the module.
            scope = env.scope
            return self._worst(
                [
                    self.client_of(v, Env(scope, scope.parent.get(v)), depth + 1)
                    for v in scope.bindings[expr.id]
                ]
            )
        module = env.scope.imports.get(expr.id)
        if module in self.modules:
            sdk = self.k.sdks[self.modules[module]]  # type: ignore[index]
            return ClientRef(sdk, None, env, f"module {module}", Confidence.MEDIUM, module=module)
        ann = env.scope.hints.get(expr.id)
        return self._hinted(ann, env, f"type hint of {expr.id}") if ann is not None else None

    def _of_self(self, expr: ast.Attribute, env: Env, depth: int) -> ClientRef | None:
        cls = env.self_class
        assert cls is not None
        for info in self.lineage(env.scope, cls):
            bound = info.attrs.get(expr.attr, [])
            found = self._worst(
                [self.client_of(v, Env(env.scope, env.scope.parent.get(v), cls), depth + 1) for v in bound]
            )
            if found is not None:
                return found
            ann = info.hints.get(expr.attr)
            if ann is not None:
                return self._hinted(ann, env, f"type hint of self.{expr.attr}")
            prop = env.scope.functions.get(f"{env.scope.module}.{info.name}.{expr.attr}")
            if prop is not None and _is_property(prop):
                # @property def client(self): builds self._client on first use and returns it
                return self.returned_client(prop, env.scope, depth, cls)
        return None

    def _passed_for(self, func: FuncInfo, param: str, env: Env, depth: int) -> ClientRef | None:
        """What this module's own calls of `func` pass for `param`: the worst client among them."""
        memo = (func.key, param)
        if memo in self._passed:
            return _fresh(self._passed[memo])
        self._passed[memo] = None
        names = [p.arg for p in (*func.node.args.posonlyargs, *func.node.args.args)]
        if func.cls is not None and names[:1] in (["self"], ["cls"]):
            names = names[1:]
        found: list[ClientRef | None] = []
        for call, caller in self._calls_of(func, env.scope):
            value = _argument(call, names, param)
            if value is not None:
                client = self.client_of(value, Env(env.scope, caller), depth + 1)
                if client is not None:
                    client.confidence = Confidence.MEDIUM
                    client.via += f", passed as {param} at line {call.lineno}"
                found.append(client)
        self._passed[memo] = self._worst(found)
        return _fresh(self._passed[memo])

    def _calls_of(self, func: FuncInfo, scope: ModuleScope) -> list[tuple[ast.Call, FuncInfo | None]]:
        """This module's calls of a function: `f(...)`, or for `__init__` `C(...)` and `cls(...)` in C."""
        index = self.call_index(scope)
        if func.cls is None:
            return index.get(func.node.name, []) if func.key.count(".") == scope.module.count(".") + 1 else []
        if func.node.name == "__init__":
            return index.get(func.cls, [])
        return index.get(f"{func.cls}.{func.node.name}", [])

    def call_index(self, scope: ModuleScope) -> dict[str, list[tuple[ast.Call, FuncInfo | None]]]:
        # Built once per module on first use, so a parameter lookup never scans the file again.
        if self._calls is None:
            index: dict[str, list[tuple[ast.Call, FuncInfo | None]]] = defaultdict(list)
            for info in [None, *scope.functions.values()]:
                body = info.node.body if info is not None else scope.body
                for stmt in statements(body):
                    for node in _own_nodes(stmt):
                        if isinstance(node, ast.Call) and (key := _call_key(node, info)) is not None:
                            index[key].append((node, info))
            self._calls = index
        return self._calls

    def _first(self, values: list[ast.expr], env: Env, depth: int) -> ClientRef | None:
        return self._worst([self.client_of(value, env, depth + 1) for value in values])

    def _worst(self, candidates: list[ClientRef | None]) -> ClientRef | None:
        """Of the clients a name may hold (bound in several branches), the one with the worst timeout.

        The others are named in the evidence, so a reader sees every candidate.
        """
        found = [c for c in candidates if c is not None]
        if len(found) <= 1:
            return found[0] if found else None
        ranked = sorted(found, key=lambda c: badness(self.settings(c).timeout), reverse=True)
        worst = ranked[0]
        worst.via += also(c.via for c in ranked[1:] if c.via != worst.via)
        worst.alternatives = ranked[1:]
        return worst

    def _hinted(self, ann: ast.expr, env: Env, via: str) -> ClientRef | None:
        for sub in ast.walk(ann):
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                try:
                    sub = ast.parse(sub.value, mode="eval").body
                except SyntaxError:
                    continue
            name = env.scope.dotted(sub) if isinstance(sub, (ast.Name, ast.Attribute)) else None
            key = self.k.ctor_sdk(name) if name else None
            if key is not None:
                return ClientRef(self.k.sdks[key], None, env, via, Confidence.MEDIUM)
        return None


_SHOWN = 3  # other candidates named in the evidence


def also(vias: Iterable[str]) -> str:
    """` (worst of several; also A; B; C and 4 more)`, or nothing when there are no others."""
    others = list(dict.fromkeys(vias))
    if not others:
        return ""
    more = f" and {len(others) - _SHOWN} more" if len(others) > _SHOWN else ""
    return f" (worst of several; also {'; '.join(others[:_SHOWN])}{more})"


def live(values: list[ast.expr], env: Env) -> list[ast.expr]:
    """The values bound in branches the code's own defaults can take (`if self.config.use_litellm:`
    with the field defaulting to False rules its binding out); all of them when none would be left."""
    if len(values) < 2:
        return values
    kept = [v for v in values if not _ruled_out(v, env)]
    return kept or values


def arms(expr: ast.IfExp | ast.BoolOp, env: Env) -> list[ast.expr]:
    """The values `a if c else b` or `a or b` may take; one arm when the code's defaults decide c."""
    if isinstance(expr, ast.BoolOp):
        return expr.values
    taken = decided(expr.test, env)
    return [expr.body, expr.orelse] if taken is None else [expr.body if taken else expr.orelse]


def _ruled_out(value: ast.expr, env: Env) -> bool:
    where = Env(env.scope, env.scope.parent.get(value), env.cls)
    return any(decided(test, where) is (not taken) for test, taken in env.scope.guards.get(value, ()))


def decided(test: ast.expr, env: Env) -> bool | None:
    """The truth of a branch test under the code's own defaults, or None when the code cannot say.

    A bare parameter is never decided by its default: callers pass what they like."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = decided(test.operand, env)
        return None if inner is None else not inner
    head: ast.expr = test
    while isinstance(head, ast.Attribute):
        head = head.value
    # Settings only: a module name or an attribute chain (self.config.flag, Settings.flag). A local
    # variable is computed at run time, and folding every test would cost more than the rest.
    if not isinstance(head, ast.Name):
        return None
    func = env.func
    if func is not None and (head.id in func.bindings or (head is test and head.id in func.params)):
        return None
    val = fold(test, env)
    if val.known:
        return bool(val.value)
    field = _config_field(test, env)
    return None if field is None else bool(field)


def _config_field(test: ast.expr, env: Env) -> object | None:
    """`self.config.flag` where `self.config: Settings` and the module's class Settings declares
    `flag: bool = False`: the field's default, the value the code ships with (None when unknown)."""
    if not (
        isinstance(test, ast.Attribute)
        and is_self_attr(test.value)
        and env.self_class
        and (cls := env.scope.classes.get(env.self_class)) is not None
    ):
        return None
    holder = test.value.attr  # type: ignore[attr-defined]
    hint = cls.hints.get(holder)
    settings = env.scope.classes.get(hint.id) if isinstance(hint, ast.Name) else None
    values = settings.attrs.get(test.attr, []) if settings is not None else []
    if len(values) == 1 and isinstance(values[0], ast.Constant):
        return values[0].value
    return None


def _is_property(info: FuncInfo) -> bool:
    return any(
        (d.attr if isinstance(d, ast.Attribute) else d.id if isinstance(d, ast.Name) else "")
        in ("property", "cached_property")
        for d in info.node.decorator_list
    )


def _registry(call: ast.Call) -> tuple[ast.expr | None, bool]:
    """The dict a call looks up, and whether it calls what it finds: REG[k](...) and REG.get(k)(...)
    build from a registry of classes, REG.get(k) takes a registered object."""
    func = call.func
    if isinstance(func, ast.Subscript):
        return func.value, True
    if isinstance(func, ast.Call) and isinstance(func.func, ast.Attribute) and func.func.attr == "get":
        return func.func.value, True
    if isinstance(func, ast.Attribute) and func.attr == "get":
        return func.value, False
    return None, False


def _fresh(client: ClientRef | None) -> ClientRef | None:
    if client is None:
        return None
    return replace(client, layers=list(client.layers), modifiers=dict(client.modifiers))


def _called(func: ast.expr) -> ast.Call:
    """`default_factory=OpenAI` makes `OpenAI()`."""
    return ast.copy_location(ast.Call(func=copy.copy(func), args=[], keywords=[]), func)


def _argument(call: ast.Call, names: list[str], param: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == param:
            return kw.value
    index = names.index(param) if param in names else len(call.args)
    if index < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
        return call.args[index]
    return None


def _call_key(node: ast.Call, caller: FuncInfo | None) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        if func.id == "cls" and caller is not None and caller.cls is not None:
            return caller.cls
        return func.id
    if is_self_attr(func) and caller is not None and caller.cls is not None:
        return f"{caller.cls}.{func.attr}"  # type: ignore[attr-defined]
    if isinstance(func, ast.Attribute) and func.attr[:1].isupper():
        return func.attr  # providers.Provider(...) constructs Provider
    return None


def _own_nodes(stmt: ast.stmt) -> Iterator[ast.AST]:
    """The nodes of one statement, not entering blocks (statements() yields those) or nested scopes."""
    for field in ("body", "orelse", "finalbody", "handlers", "cases"):
        if getattr(stmt, field, None):
            for name, value in ast.iter_fields(stmt):
                if name not in ("body", "orelse", "finalbody", "handlers", "cases"):
                    yield from _subtree(value)
            return
    yield from fast_walk(stmt)


def _subtree(value: object) -> Iterator[ast.AST]:
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, ast.AST):
            yield from fast_walk(item)


def badness(timeout: Setting) -> float:
    """Infinite is worst, then the longest finite timeout; unknown or configured elsewhere ranks last."""
    if timeout.state not in (SET, DEFAULT):
        return -1.0
    return float("inf") if timeout.value is None else float(timeout.value)


def service_name(call: ast.Call) -> str | None:
    for arg in call.args[:1]:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return arg.value
    for kw in call.keywords:
        if kw.arg == "service_name" and isinstance(kw.value, ast.Constant):
            return str(kw.value.value)
    return None


def is_self_attr(expr: ast.expr) -> bool:
    return (
        isinstance(expr, ast.Attribute)
        and isinstance(expr.value, ast.Name)
        and expr.value.id in ("self", "cls")
    )
