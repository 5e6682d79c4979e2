"""What a module tells the rest of the project about values (FlowFacts), as names to resolve later.

A client built in one module is often called in another: `get_llm()` returns a provider object whose
`.llm` was passed to its constructor by a classmethod, and the call is `provider.llm.ainvoke(...)`
three modules away. Each module names what its functions return, what its classes' attributes hold
and what its constructor calls pass, as Refs (model.py); flow.py resolves them once every module is
summarized. What resolves to a client here is recorded as that client's facts.
"""

from __future__ import annotations

import ast
from collections import defaultdict

from llmeng.audit.clients import MODIFIERS, OPTION_METHODS, PASS_THROUGH, arms, is_self_attr, live
from llmeng.audit.detected import ClientRef
from llmeng.audit.model import ClientFacts, FlowFacts, Ref
from llmeng.audit.resolve import Resolver
from llmeng.audit.scope import FuncInfo, ModuleScope
from llmeng.audit.values import Env

_MAX_DEPTH = 6
_MAX_REFS = 6
_SEE_THROUGH = frozenset((*OPTION_METHODS, *PASS_THROUGH, *MODIFIERS))


class Refs:
    def __init__(
        self,
        scope: ModuleScope,
        resolver: Resolver,
        constructions: list[tuple[ast.Call, Env]],
        handing: list[tuple[ast.Call, Env]],
    ) -> None:
        self.scope = scope
        self.resolver = resolver
        self.constructions = constructions
        self.handing = handing
        self._param_funcs: set[str] = set()  # functions a Ref("param") names: their parameters are exported

    def of(self, expr: ast.expr, env: Env, depth: int = 0) -> tuple[Ref, ...]:
        """What an expression may hold, as a resolved client or as names for flow.py."""
        client = self.resolver.client_of(expr, env)
        if client is None:
            return self._symbolic(expr, env, depth)[:_MAX_REFS]
        known = Ref("client", client=facts(self.resolver, client))
        if client.ctor is None and client.module is None:
            # Known by a type hint only: what the project builds and passes for it comes first.
            return (*self._symbolic(expr, env, depth), known)[:_MAX_REFS]
        return (known,)

    def _symbolic(self, expr: ast.expr, env: Env, depth: int) -> tuple[Ref, ...]:
        if depth > _MAX_DEPTH:
            return ()
        if isinstance(expr, ast.Await):
            return self._symbolic(expr.value, env, depth + 1)
        if isinstance(expr, ast.Call):
            return self._call(expr, env, depth)
        if isinstance(expr, ast.Name):
            return self._name(expr, env, depth)
        if isinstance(expr, ast.Attribute):
            if is_self_attr(expr) and env.self_class:
                return (Ref("attr", expr.attr, Ref("instance", self._class_key(env.self_class))),)
            if _head(expr) in self.scope.imports and isinstance(expr.value, ast.Name):
                return (Ref("global", self.scope.dotted(expr) or ""),)  # llm_module.client
            return tuple(Ref("attr", expr.attr, b) for b in self._symbolic(expr.value, env, depth + 1))
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):  # prompt | llm | parser
            return self._union([expr.left, expr.right], env, depth)
        if isinstance(expr, (ast.IfExp, ast.BoolOp)):
            return self._union(arms(expr, env), env, depth)
        return ()

    def _call(self, expr: ast.Call, env: Env, depth: int) -> tuple[Ref, ...]:
        func = expr.func.value if isinstance(expr.func, ast.Subscript) else expr.func
        if isinstance(func, ast.Name):
            if func.id == "cls" and env.self_class:
                return (Ref("instance", self._class_key(env.self_class)),)
            return (Ref("call", self.callee(func)),) if self._known(func.id) else ()
        if not isinstance(func, ast.Attribute):
            return ()
        if func.attr in _SEE_THROUGH:  # llm.bind_tools(tools) is still llm
            return self._symbolic(func.value, env, depth + 1)
        if is_self_attr(func) and env.self_class:
            return (Ref("call", f"{self._class_key(env.self_class)}.{func.attr}"),)
        dotted = self.scope.dotted(func)
        if dotted is not None and _head(func) in self.scope.imports:
            return (Ref("call", dotted),)
        if isinstance(func.value, ast.Name) and func.value.id in self.scope.classes:
            return (Ref("call", f"{self._class_key(func.value.id)}.{func.attr}"),)
        return tuple(Ref("method", func.attr, b) for b in self._symbolic(func.value, env, depth + 1))

    def _name(self, expr: ast.Name, env: Env, depth: int) -> tuple[Ref, ...]:
        func = env.func
        if func is not None and (expr.id in func.bindings or expr.id in func.params):
            bound = self._union(live(func.bindings.get(expr.id, []), env), env, depth)
            return (*bound, *self._param(func, expr.id))[:_MAX_REFS] if expr.id in func.params else bound
        if expr.id in self.scope.bindings:
            return self._union(self.scope.bindings[expr.id], Env(self.scope, None), depth)
        if expr.id in self.scope.imports:  # `from app.llm import client`: that module's global
            return (Ref("global", self.scope.imports[expr.id]),)
        return ()

    def _param(self, func: FuncInfo, name: str) -> tuple[Ref, ...]:
        """A parameter: what the project passes for it, and an object of the class it is annotated with."""
        classes = [a for a in _annotated(func.params[name].annotation) if self._known(_head(a) or "")]
        self._param_funcs.add(func.key)
        return (Ref("param", f"{func.key}#{name}"), *(Ref("instance", self.callee(a)) for a in classes))

    def _union(self, values: list[ast.expr], env: Env, depth: int) -> tuple[Ref, ...]:
        out: dict[Ref, None] = {}
        for value in values:
            for ref in self.of(value, env, depth + 1) if depth < _MAX_DEPTH else ():
                out[ref] = None
        return tuple(out)[:_MAX_REFS]

    def callee(self, func: ast.expr) -> str:
        """A dotted name as this module sees it: through imports, else in this module."""
        dotted = self.scope.dotted(func) or ast.unparse(func)
        head = _head(func)
        if head in self.scope.imports:
            return dotted
        if head is not None and (head in self.scope.classes or self.scope.named(head, method=False)):
            return f"{self.scope.module}.{dotted}"
        return dotted

    def _known(self, name: str) -> bool:
        """Imported, or a class or function of this module (not a builtin or a local callable)."""
        return (
            name in self.scope.imports
            or name in self.scope.classes
            or bool(self.scope.named(name, method=False))
        )

    def _class_key(self, name: str) -> str:
        return f"{self.scope.module}.{name}"

    def facts(self) -> FlowFacts:
        """The module's returns, attributes, constructor arguments, parameters and base classes."""
        clients = self.resolver.clients
        clients.follow_params = False
        try:
            return self._facts()
        finally:
            clients.follow_params = True

    def _facts(self) -> FlowFacts:
        returns: dict[str, tuple[Ref, ...]] = {}
        functions = self.scope.functions
        for key, info in functions.items():
            if key.rsplit(".", 1)[0] in functions:
                continue  # a closure: no other module can call it
            found = self._returns(info)
            if found:
                returns[info.key] = found
        attrs: dict[str, tuple[Ref, ...]] = {}
        bases: dict[str, tuple[str, ...]] = {}
        for cls in self.scope.classes.values():
            key = self._class_key(cls.name)
            bases[key] = tuple(self.callee(b) for b in cls.bases if isinstance(b, (ast.Name, ast.Attribute)))
            for attr, values in cls.attrs.items():
                held = self._union_at(values, cls.name)
                if held:
                    attrs[f"{key}.{attr}"] = held
        globals_: dict[str, tuple[Ref, ...]] = {}
        for name, values in self.scope.bindings.items():
            if not any(
                isinstance(v, (ast.Call, ast.Name, ast.Attribute, ast.IfExp, ast.BoolOp)) for v in values
            ):
                continue  # constants, strings, tables
            held = self._union_at(values, None)
            if any(r.kind == "client" for r in held):  # only globals that hold a client (or may)
                globals_[f"{self.scope.module}.{name}"] = held
        passed = self._passed()
        funcs = self.scope.functions
        params = {k: _positional(funcs[k]) for k in sorted(self._param_funcs) if k in funcs}
        return FlowFacts(returns, attrs, passed, params, bases, globals_)

    def _returns(self, info: FuncInfo) -> tuple[Ref, ...]:
        client = self.resolver.clients.returned_client(info, self.scope)  # memoised: factories resolved
        if client is not None:
            return (Ref("client", client=facts(self.resolver, client)),)
        env = Env(self.scope, info)
        out: dict[Ref, None] = {}
        for value in info.returns:
            out.update(dict.fromkeys(self._symbolic(value, env, 0)))
        return tuple(out)[:_MAX_REFS]

    def _union_at(self, values: list[ast.expr], cls: str | None) -> tuple[Ref, ...]:
        out: dict[Ref, None] = {}
        for value in values:
            out.update(dict.fromkeys(self.of(value, Env(self.scope, self.scope.parent.get(value), cls))))
        return tuple(out)[:_MAX_REFS]

    def _passed(self) -> dict[str, tuple[Ref, ...]]:
        """What constructor calls hand in (`Provider(llm=ChatOpenAI())`, `cls(llm)`, `Agent(client)`
        with client from a factory elsewhere): what `__init__` parameters hold."""
        out: dict[str, list[Ref]] = defaultdict(list)
        for call, env in self.constructions:
            if _raises(call.func):
                continue
            for slot, arg in _slots(call):
                if not isinstance(arg, (ast.Name, ast.Attribute, ast.Call, ast.Await, ast.BinOp)):
                    continue
                refs = self.of(arg, env)
                if refs:
                    out[f"{self._constructed(call, env)}#{slot}"].extend(refs)
        # Other calls: only a client handed on (`ask(client, q)`); any argument would make this huge.
        for call, env in self.handing:
            callee = self._handed_to(call.func, env)
            for i, arg in enumerate(call.args):
                client = self.resolver.client_of(arg, env) if callee and _held_here(arg, env) else None
                if client is not None:
                    out[f"{callee}#{i}"].append(Ref("client", client=facts(self.resolver, client)))
        return {k: tuple(dict.fromkeys(v))[:_MAX_REFS] for k, v in out.items()}

    def _handed_to(self, func: ast.expr, env: Env) -> str | None:
        if is_self_attr(func) and env.self_class:
            return f"{self._class_key(env.self_class)}.{func.attr}"  # type: ignore[attr-defined]
        head = _head(func)
        return self.callee(func) if head is not None and self._known(head) else None

    def _constructed(self, call: ast.Call, env: Env) -> str:
        if isinstance(call.func, ast.Name) and call.func.id == "cls" and env.self_class:
            return self._class_key(env.self_class)
        return self.callee(call.func)


def facts(resolver: Resolver, client: ClientRef) -> ClientFacts:
    """A client as the project sees it: its SDK and the settings it carries, with where it was built."""
    res = resolver.client_settings(client)
    return ClientFacts(client.sdk.key, client.via, res.timeout, res.attempts, res.max_tokens)


def _raises(func: ast.expr) -> bool:
    """An exception or warning being built: its arguments are messages, never clients."""
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name.endswith(("Error", "Exception", "Warning"))


def _held_here(arg: ast.expr, env: Env) -> bool:
    """A name bound in this function or module, or a `self.` attribute: what it holds can be read here.
    (A parameter holds what this function's own callers pass; that chain is not followed further.)"""
    if isinstance(arg, ast.Name):
        func = env.func
        return (func is not None and arg.id in func.bindings) or (
            (func is None or arg.id not in func.params) and arg.id in env.scope.bindings
        )
    return is_self_attr(arg)


def _slots(call: ast.Call) -> list[tuple[str, ast.expr]]:
    out = [(str(i), a) for i, a in enumerate(call.args) if not isinstance(a, ast.Starred)]
    return out + [(kw.arg, kw.value) for kw in call.keywords if kw.arg is not None]


def _positional(info: FuncInfo) -> tuple[str, ...]:
    names = [a.arg for a in (*info.node.args.posonlyargs, *info.node.args.args)]
    return tuple(names[1:] if info.cls is not None and names[:1] in (["self"], ["cls"]) else names)


def _annotated(ann: ast.expr | None) -> list[ast.expr]:
    """The classes an annotation names: `Actor`, `Actor | None`, `Optional[Actor]`, `"Actor"`."""
    if ann is None:
        return []
    if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
        try:
            return _annotated(ast.parse(ann.value, mode="eval").body)
        except SyntaxError:
            return []
    if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):
        return _annotated(ann.left) + _annotated(ann.right)
    if isinstance(ann, ast.Subscript) and _head(ann.value) in ("Optional", "typing"):
        return _annotated(ann.slice)
    return [ann] if isinstance(ann, (ast.Name, ast.Attribute)) else []


def _head(expr: ast.expr) -> str | None:
    """The name a dotted expression starts with (`a` of `a.b.c`), if it is one."""
    while isinstance(expr, ast.Attribute):
        expr = expr.value
    return expr.id if isinstance(expr, ast.Name) else None
