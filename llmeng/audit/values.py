"""Constant-fold the expressions that set timeouts, retries and output bounds, tracking their origin."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from llmeng.audit.fastwalk import statements
from llmeng.audit.scope import FuncInfo, ModuleScope

_ENV_READERS = {"os.getenv", "os.environ.get", "getenv", "environ.get"}
_TIMEOUT_CLASSES = ("Timeout",)
_OPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
}
_MAX_DEPTH = 6
# A helper named like several methods of the module (subclasses overriding it): each must carry the key.
_MAX_HELPERS = 4


@dataclass(frozen=True)
class Env:
    scope: ModuleScope
    func: FuncInfo | None
    # The class `self` is an instance of, when a base class's method is read on behalf of a subclass.
    cls: str | None = None

    @property
    def self_class(self) -> str | None:
        return self.cls or (self.func.cls if self.func else None)


@dataclass(frozen=True)
class Val:
    """A folded value: `known` with `value`, or configured elsewhere (`known` False) with a reason.

    The code as shipped decides (audit-rules.md, "Configuration: the code as shipped"): a value read
    from configuration takes the default the code supplies (`known`, with `unless` naming what would
    change it); where the code supplies none the setting is `absent` (the SDK default applies, unless
    the configuration sets it). Only a value the program cannot run without stays unknown.
    """

    known: bool
    value: Any
    origin: str
    absent: bool = False
    unless: str | None = None  # what would change it: "the environment sets LLM_TIMEOUT"


MISSING = Val(False, None, "missing")


def _absent(origin: str, unless: str) -> Val:
    return Val(False, None, origin, absent=True, unless=unless)


def _hidden(expr: ast.expr, parts: Sequence[str]) -> Val:
    """A key that an opaque `**mapping` may or may not carry: absent as shipped."""
    return _absent(f"**{text(expr)}", f"`{text(expr)}` sets `{'.'.join(parts)}`")


def _defaulted(val: Val, origin: str, unless: str) -> Val:
    """The default a configuration read falls back to, noting what would change it."""
    if val.absent or not val.known:
        return replace(val, unless=val.unless or unless)
    return Val(True, val.value, origin, unless=unless)


def text(expr: ast.AST) -> str:
    src = ast.unparse(expr)
    return src if len(src) <= 60 else src[:57] + "..."


def deref(expr: ast.expr, env: Env, depth: int = 0) -> ast.expr:
    """Follow a name to the single expression bound to it (function first, then module)."""
    if depth > _MAX_DEPTH or not isinstance(expr, ast.Name):
        return expr
    bound = _bound(expr.id, env)
    if bound is not None and len(bound) == 1:
        return deref(bound[0], env, depth + 1)
    return expr


def _bound(name: str, env: Env) -> list[ast.expr] | None:
    if env.func is not None and name in env.func.bindings:
        return env.func.bindings[name]
    if env.func is not None and name in env.func.params:
        return None
    return env.scope.bindings.get(name)


def lookup(keywords: Sequence[ast.keyword], parts: Sequence[str], env: Env, depth: int = 0) -> Val:
    """The value at a kwarg path; MISSING when not there, absent when an opaque **mapping may hold it."""
    for kw in keywords:
        if kw.arg == parts[0]:
            return _descend(kw.value, parts[1:], env, depth)
    hidden: list[Val] = []
    for kw in keywords:
        if kw.arg is None:
            found = _in_mapping(kw.value, parts, env, depth)
            if found.absent:
                hidden.append(found)
            elif found is not MISSING:
                return found
    if len(hidden) > 1:
        unless = " or ".join(v.unless or v.origin for v in hidden)
        return _absent(", ".join(v.origin for v in hidden), unless)
    return hidden[0] if hidden else MISSING


def _in_mapping(expr: ast.expr, parts: Sequence[str], env: Env, depth: int) -> Val:
    """The value a `**expr` mapping gives the key path: MISSING, a value, absent, or unknown."""
    if depth > _MAX_DEPTH:
        return _unknown(expr)
    key = (expr.id if isinstance(expr, ast.Name) else id(expr), parts[0], id(env.func))
    if key in _ACTIVE:
        # `params = {**params, "stream": True}`: the earlier value is one of the other bindings, each
        # looked at on its own; following it again would only go round (and exponentially so).
        return MISSING
    _ACTIVE.add(key)
    try:
        return _in_mapping_once(expr, parts, env, depth)
    finally:
        _ACTIVE.discard(key)


# The **mappings being looked into right now (expression, key, function): a reference back is a cycle.
_ACTIVE: set[tuple[str | int, str, int]] = set()


def _in_mapping_once(expr: ast.expr, parts: Sequence[str], env: Env, depth: int) -> Val:
    items = env.func.items.get(expr.id, {}) if env.func and isinstance(expr, ast.Name) else {}
    if parts[0] in items:
        value = items[parts[0]]
        if not _guarded(expr.id, parts[0], value, env):  # type: ignore[attr-defined]
            return _descend(value, parts[1:], env, depth)
        # `if max_tokens is not None: params["max_tokens"] = max_tokens`: without it, the key is absent
        base = _in_base(expr, parts, env, depth)
        unless = f"`{text(value)}` is set"
        if base is MISSING or base.absent:
            return _absent(f"{text(value)} (when set)", _either(unless, base.unless) or unless)
        return replace(base, unless=_either(unless, base.unless)) if base.known else base
    return _in_base(expr, parts, env, depth)


def _in_base(expr: ast.expr, parts: Sequence[str], env: Env, depth: int) -> Val:
    """The key in what `expr` is bound to, before any `expr[key] = ...` item assignment."""
    target = deref(expr, env)
    if isinstance(target, ast.Dict):
        return _dict_lookup(target, parts, env, depth)
    if isinstance(target, ast.Name):
        return _in_name(target, parts, env, depth)
    if isinstance(target, ast.Attribute):
        return _in_attribute(target, parts, env, depth)
    if isinstance(target, ast.BoolOp):
        # **(kwargs or {}): whatever the caller passed, which the code does not see
        return _hidden(expr, parts)
    if isinstance(target, ast.Call):
        return _in_call(target, parts, env, depth)
    if isinstance(target, ast.DictComp):
        # {k: v for k, v in source.items() if ...}: a filtered copy of its source
        source = target.generators[0].iter
        if isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute) and not source.args:
            source = source.func.value
        return _in_mapping(source, parts, env, depth + 1)
    return _unknown(expr)


def _guarded(name: str, key: str, value: ast.expr, env: Env) -> bool:
    """`name[key] = value` happens only under an `if` that tests the value (`is not None`, truthy)."""
    if env.func is None:
        return False
    shown = ast.unparse(value)
    for stmt in statements(env.func.node.body):
        if isinstance(stmt, ast.If) and shown in ast.unparse(stmt.test):
            for inner in statements(stmt.body):
                if isinstance(inner, (ast.Assign, ast.AnnAssign)) and any(
                    isinstance(t, ast.Subscript)
                    and isinstance(t.value, ast.Name)
                    and t.value.id == name
                    and isinstance(t.slice, ast.Constant)
                    and t.slice.value == key
                    for t in (inner.targets if isinstance(inner, ast.Assign) else [inner.target])
                ):
                    return True
    return False


def _either(*notes: str | None) -> str | None:
    kept = list(dict.fromkeys(n for n in notes if n))
    return " or ".join(kept) if kept else None


def _in_call(call: ast.Call, parts: Sequence[str], env: Env, depth: int) -> Val:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name == "dict":
        found = lookup(call.keywords, parts, env, depth + 1)
        if found is MISSING and call.args:
            return _in_mapping(call.args[0], parts, env, depth + 1)
        return found
    default = _get_default(call)
    if default is not None:
        # **config.get("llm", {}): the default mapping, unless the configuration has that key
        found = _in_mapping(default, parts, env, depth + 1)
        return _hidden(call, parts) if found is MISSING else replace(found, unless=f"`{text(call)}` is set")
    if name in ("copy", "deepcopy") and (call.args or isinstance(func, ast.Attribute)):
        source = call.args[0] if call.args else func.value  # type: ignore[attr-defined]
        return _in_mapping(source, parts, env, depth + 1)
    returned = _returned(call, env)
    if returned:
        # self._build_kwargs(...): every return of the helper must carry the key
        each = [_in_mapping(value, parts, Env(env.scope, info), depth + 1) for value, info in returned]
        return _all_carry(each, call, parts)
    return _unknown(call)


def _in_name(name: ast.Name, parts: Sequence[str], env: Env, depth: int) -> Val:
    """A parameter's **mapping, a name bound in several branches, or one the code never binds."""
    if env.func is not None and name.id in env.func.params and name.id not in env.func.bindings:
        default = env.func.defaults.get(name.id)
        found = _in_mapping(default, parts, env, depth + 1) if default is not None else MISSING
        if found is MISSING or found.absent or not found.known:
            return _hidden(name, parts)
        return replace(found, unless=f"the caller's `{name.id}` sets `{'.'.join(parts)}`")
    bound = _bound(name.id, env) or []
    if len(bound) > 1:
        return _all_carry([_in_mapping(b, parts, env, depth + 1) for b in bound], name, parts)
    if name.id in env.scope.imports:
        return _unknown(name)  # a mapping from another module: its content is not seen here
    # **kwargs of the function itself, or a name never bound: what the caller passed
    return _hidden(name, parts)


def _in_attribute(attr: ast.Attribute, parts: Sequence[str], env: Env, depth: int) -> Val:
    """`**self.kwargs`: the value it was bound to (in __init__), evaluated where it was bound."""
    base = attr.value
    if isinstance(base, ast.Name) and base.id in ("self", "cls") and env.func and env.func.cls:
        cls = env.scope.classes.get(env.func.cls)
        bound = cls.attrs.get(attr.attr, []) if cls else []
        if len(bound) == 1:
            return _in_mapping(bound[0], parts, Env(env.scope, env.scope.parent.get(bound[0])), depth + 1)
    return _unknown(attr)


def _all_carry(each: list[Val], expr: ast.expr, parts: Sequence[str]) -> Val:
    """One value for several candidate mappings: known only if every one carries the key."""
    if all(v.known for v in each):
        return each[0]
    if any(not v.known and not v.absent and v is not MISSING for v in each):
        return _unknown(expr)
    hidden = _hidden(expr, parts)
    return replace(hidden, unless=_either(*(v.unless for v in each)) or hidden.unless)


def _returned(call: ast.Call, env: Env) -> list[tuple[ast.expr, FuncInfo]]:
    """The values a helper function of this module returns: `build(...)` or `self.build(...)`."""
    func = call.func
    if isinstance(func, ast.Name):
        candidates = env.scope.named(func.id, method=False)
    elif (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in ("self", "cls")
        and env.func is not None
        and env.func.cls
    ):
        key = f"{env.scope.module}.{env.func.cls}.{func.attr}"
        own = env.scope.functions.get(key)
        candidates = [own] if own is not None else env.scope.named(func.attr, method=True)
    else:
        return []
    if not 0 < len(candidates) <= _MAX_HELPERS:
        return []
    return [
        (stmt.value, info)
        for info in candidates
        for stmt in statements(info.node.body)
        if isinstance(stmt, ast.Return) and stmt.value is not None
    ]


def _is_self_attr(expr: ast.expr) -> bool:
    return (
        isinstance(expr, ast.Attribute)
        and isinstance(expr.value, ast.Name)
        and expr.value.id in ("self", "cls")
    )


def _unknown(expr: ast.expr) -> Val:
    """A mapping the code builds where this analysis cannot see (another module, a computation)."""
    return Val(False, None, f"**{text(expr)}")


def _get_default(call: ast.expr) -> ast.expr | None:
    """The default of `x.get("key", default)` or `getattr(x, "key", default)`."""
    if not isinstance(call, ast.Call) or len(call.args) < 2:
        return None
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "get" and len(call.args) == 2:
        return call.args[1]
    if isinstance(func, ast.Name) and func.id == "getattr" and len(call.args) == 3:
        return call.args[2]
    return None


def _dict_lookup(node: ast.Dict, parts: Sequence[str], env: Env, depth: int) -> Val:
    """The key in a dict display; later entries win, as in Python (`{**kwargs, "timeout": 5}`)."""
    hidden: list[str] = []
    for k, v in reversed(list(zip(node.keys, node.values, strict=True))):
        if isinstance(k, ast.Constant) and k.value == parts[0]:
            found = _descend(v, parts[1:], env, depth)
        elif k is None:
            found = _in_mapping(v, parts, env, depth + 1)
            if found.absent:
                hidden.append(found.unless or found.origin)
                continue
        else:
            continue
        if found is MISSING:
            continue
        if hidden and found.known:
            return replace(found, unless=" or ".join([*hidden, *([found.unless] if found.unless else [])]))
        return found
    return _absent(f"**{text(node)}", " or ".join(hidden)) if hidden else MISSING


def _descend(expr: ast.expr, rest: Sequence[str], env: Env, depth: int) -> Val:
    if not rest:
        return fold(expr, env, depth)
    if depth > _MAX_DEPTH:
        return Val(False, None, text(expr))
    target = deref(expr, env)
    if isinstance(target, ast.Call) and _builds_options(target):
        return lookup(target.keywords, rest, env, depth + 1)
    if isinstance(target, ast.Constant) and target.value is None:
        return MISSING
    if isinstance(expr, ast.Name) or isinstance(target, ast.Dict) or _is_self_attr(expr):
        # json=payload, config=options: a mapping, with the items set on it before the call
        return _in_mapping(expr, rest, env, depth + 1)
    return Val(False, None, text(expr))


def _builds_options(call: ast.Call) -> bool:
    """HttpOptions(...), Config(...), dict(...): an options object whose kwargs we can read.

    A call to a plain function (make_options()) returns something we cannot see into.
    """
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name[:1].isupper() or name == "dict"


def fold(expr: ast.expr, env: Env, depth: int = 0) -> Val:
    """The constant value of an expression, or why it is configured elsewhere."""
    if depth > _MAX_DEPTH:
        return Val(False, None, text(expr))
    if isinstance(expr, ast.Constant):
        return Val(True, expr.value, "literal")
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub):
        inner = fold(expr.operand, env, depth + 1)
        return Val(True, -inner.value, inner.origin) if inner.known and _num(inner.value) else inner
    if isinstance(expr, ast.BinOp) and type(expr.op) in _OPS:
        left, right = fold(expr.left, env, depth + 1), fold(expr.right, env, depth + 1)
        if left.known and right.known and _num(left.value) and _num(right.value):
            return Val(True, _OPS[type(expr.op)](left.value, right.value), "expression")
        return Val(False, None, text(expr))
    if isinstance(expr, ast.Call):
        return _fold_call(expr, env, depth)
    if isinstance(expr, ast.Name):
        return _fold_name(expr, env, depth)
    if isinstance(expr, ast.Attribute):
        return _fold_attribute(expr, env, depth)
    if isinstance(expr, ast.Subscript):
        return _fold_subscript(expr, env, depth)
    return Val(False, None, text(expr))


def _num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _fold_call(expr: ast.Call, env: Env, depth: int) -> Val:
    name = env.scope.dotted(expr.func) or ""
    if name in _ENV_READERS or name.endswith(".getenv"):
        return _fold_env(expr, env, depth)
    last = name.rsplit(".", 1)[-1]
    if last in ("float", "int") and expr.args:
        val = fold(expr.args[0], env, depth + 1)
        if val.absent:
            # int(os.getenv("T")) fails when T is unset: the program cannot run without it.
            return Val(False, None, f"required ({text(expr)})")
        return replace(val, value=_number(val.value, last)) if val.known else val
    default = _get_default(expr)
    if default is not None and isinstance(expr.args[-2], ast.Constant):
        # config.get("timeout", 30): the code's default, unless the configuration has the key
        key = expr.args[-2].value
        owner = text(expr.func.value if isinstance(expr.func, ast.Attribute) else expr.args[0])
        return _defaulted(
            fold(default, env, depth + 1), f"default of {text(expr)}", f"`{owner}` sets {key!r}"
        )
    if isinstance(expr.func, ast.Attribute) and expr.func.attr == "get" and len(expr.args) == 1:
        return _absent(
            f"configuration ({text(expr)})", f"`{text(expr.func.value)}` sets {text(expr.args[0])}"
        )
    if name.startswith("typer.") and last in ("Option", "Argument"):
        return _cli_default(expr, env, depth)
    if last in _TIMEOUT_CLASSES:
        if expr.args:
            return fold(expr.args[0], env, depth + 1)
        found = lookup(expr.keywords, ["timeout"], env, depth + 1)
        return found if found is not MISSING else Val(False, None, text(expr))
    return Val(False, None, f"computed ({text(expr)})")


def _fold_env(expr: ast.Call, env: Env, depth: int) -> Val:
    """os.getenv(name, default): the default unless the environment sets it; no default is absent."""
    variable = text(expr.args[0]) if expr.args else "it"
    unless = f"the environment sets {variable}"
    default = (
        expr.args[1]
        if len(expr.args) > 1
        else next((k.value for k in expr.keywords if k.arg == "default"), None)
    )
    if default is None:
        return _absent(f"environment ({text(expr)})", unless)
    return _defaulted(fold(default, env, depth + 1), f"default of {text(expr)}", unless)


def _cli_default(expr: ast.Call, env: Env, depth: int) -> Val:
    """typer.Option(30, ...) or click.option(default=30): a CLI default; `...` or required=True is required."""
    default = (
        expr.args[0] if expr.args else next((k.value for k in expr.keywords if k.arg == "default"), None)
    )
    required = any(
        k.arg == "required" and isinstance(k.value, ast.Constant) and k.value.value for k in expr.keywords
    )
    if required or (isinstance(default, ast.Constant) and default.value is Ellipsis):
        return Val(False, None, f"required CLI option ({text(expr)})")
    if default is None:
        return _absent(f"CLI option ({text(expr)})", "the command line sets it")
    return _defaulted(
        fold(default, env, depth + 1), f"CLI default ({text(expr)})", "the command line sets it"
    )


def _number(value: Any, kind: str) -> Any:
    """float("30") as the program computes it; anything else as it was."""
    try:
        return float(value) if kind == "float" else int(value)
    except (TypeError, ValueError):
        return value


def _fold_name(expr: ast.Name, env: Env, depth: int) -> Val:
    if env.func is not None and expr.id in env.func.bindings:
        bound = env.func.bindings[expr.id]
        return fold(bound[0], env, depth + 1) if len(bound) == 1 else Val(False, None, f"variable {expr.id}")
    if env.func is not None and expr.id in env.func.params:
        default = env.func.defaults.get(expr.id)
        if default is None:
            option = _click_option(expr.id, env)
            return option if option is not None else Val(False, None, f"parameter {expr.id}")
        val = fold(default, env, depth + 1)
        return Val(val.known, val.value, f"default of parameter {expr.id}") if val.known else val
    module_bound = env.scope.bindings.get(expr.id)
    if module_bound and len(module_bound) == 1:
        val = fold(module_bound[0], Env(env.scope, None), depth + 1)
        return Val(val.known, val.value, f"module constant {expr.id}") if val.known else val
    return Val(False, None, f"variable {expr.id}")


def _fold_attribute(expr: ast.Attribute, env: Env, depth: int) -> Val:
    base = expr.value
    if isinstance(base, ast.Name) and base.id in ("self", "cls") and env.func and env.func.cls:
        cls = env.scope.classes.get(env.func.cls)
        bound = cls.attrs.get(expr.attr) if cls else None
        if bound and len(bound) == 1:
            # Evaluate where it was assigned: `self.timeout = timeout` reads __init__'s parameter.
            return fold(bound[0], Env(env.scope, env.scope.parent.get(bound[0])), depth + 1)
        return Val(False, None, f"attribute self.{expr.attr}")
    owner = deref(base, env)
    cls_name = None
    if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name):
        found = lookup(owner.keywords, [expr.attr], env, depth + 1)
        if found is not MISSING:
            return found
        cls_name = owner.func.id
    elif isinstance(owner, ast.Name):
        cls_name = owner.id
    return _class_default(cls_name, expr, env, depth)


def _click_option(param: str, env: Env) -> Val | None:
    """The default a `@click.option("--name", default=...)` decorator gives a parameter."""
    assert env.func is not None
    for dec in env.func.node.decorator_list:
        if not isinstance(dec, ast.Call) or not (env.scope.dotted(dec.func) or "").endswith(".option"):
            continue
        names = [a.value for a in dec.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if param in {n.lstrip("-").replace("-", "_") for n in names if n.startswith("-") or n.isidentifier()}:
            return _cli_default(ast.Call(dec.func, [], dec.keywords), env, 0)
    return None


def _class_default(cls_name: str | None, expr: ast.Attribute, env: Env, depth: int) -> Val:
    cls = env.scope.classes.get(cls_name or "")
    if cls is None or (expr.attr not in cls.attrs and expr.attr not in cls.hints):
        return Val(False, None, f"configuration ({text(expr)})")
    settings = cls_name in env.scope.settings_classes
    if expr.attr not in cls.attrs:
        # A settings field without a default: the program does not start until it is set.
        return Val(False, None, f"required field {cls_name}.{expr.attr}")
    val = fold(cls.attrs[expr.attr][0], Env(env.scope, None), depth + 1)
    if settings:
        return _defaulted(
            val, f"settings default {cls_name}.{expr.attr}", f"the environment sets {expr.attr}"
        )
    return Val(val.known, val.value, f"config default {cls_name}.{expr.attr}") if val.known else val


def _fold_subscript(expr: ast.Subscript, env: Env, depth: int) -> Val:
    name = env.scope.dotted(expr.value) or ""
    if name.endswith("environ"):
        return Val(False, None, f"environment ({text(expr)})")
    target = deref(expr.value, env)
    if isinstance(target, ast.Dict) and isinstance(expr.slice, ast.Constant):
        found = _dict_lookup(target, [str(expr.slice.value)], env, depth + 1)
        if found is not MISSING:
            return found
    return Val(False, None, f"configuration ({text(expr)})")
