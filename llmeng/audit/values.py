"""Constant-fold the expressions that set timeouts, retries and output bounds, tracking their origin."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

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
    """A folded value: `known` with `value`, or configured elsewhere (`known` False) with a reason."""

    known: bool
    value: Any
    origin: str


MISSING = Val(False, None, "missing")


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
    """The value at a kwarg path, MISSING when absent, or elsewhere when hidden behind **kwargs."""
    for kw in keywords:
        if kw.arg == parts[0]:
            return _descend(kw.value, parts[1:], env, depth)
    for kw in keywords:
        if kw.arg is None:
            found = _in_mapping(kw.value, parts, env, depth)
            if found is not MISSING:
                return found
    return MISSING


def _in_mapping(expr: ast.expr, parts: Sequence[str], env: Env, depth: int) -> Val:
    target = deref(expr, env)
    items = env.func.items.get(expr.id, {}) if env.func and isinstance(expr, ast.Name) else {}
    if parts[0] in items:
        return _descend(items[parts[0]], parts[1:], env, depth)
    if isinstance(target, ast.Dict):
        return _dict_lookup(target, parts, env, depth)
    if isinstance(target, ast.Call) and ast.unparse(target.func) == "dict":
        return lookup(target.keywords, parts, env, depth + 1)
    return Val(False, None, f"**{text(expr)}")


def _dict_lookup(node: ast.Dict, parts: Sequence[str], env: Env, depth: int) -> Val:
    for k, v in zip(node.keys, node.values, strict=True):
        if isinstance(k, ast.Constant) and k.value == parts[0]:
            return _descend(v, parts[1:], env, depth)
        if k is None:
            inner = _in_mapping(v, parts, env, depth + 1)
            if inner is not MISSING:
                return inner
    return MISSING


def _descend(expr: ast.expr, rest: Sequence[str], env: Env, depth: int) -> Val:
    if not rest:
        return fold(expr, env, depth)
    if depth > _MAX_DEPTH:
        return Val(False, None, text(expr))
    target = deref(expr, env)
    if isinstance(target, ast.Call) and _builds_options(target):
        return lookup(target.keywords, rest, env, depth + 1)
    if isinstance(target, ast.Dict):
        return _dict_lookup(target, rest, env, depth + 1)
    if isinstance(target, ast.Constant) and target.value is None:
        return MISSING
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
        return Val(False, None, f"environment ({text(expr)})")
    last = name.rsplit(".", 1)[-1]
    if last in ("float", "int") and expr.args:
        return fold(expr.args[0], env, depth + 1)
    if last in _TIMEOUT_CLASSES:
        if expr.args:
            return fold(expr.args[0], env, depth + 1)
        found = lookup(expr.keywords, ["timeout"], env, depth + 1)
        return found if found is not MISSING else Val(False, None, text(expr))
    return Val(False, None, f"computed ({text(expr)})")


def _fold_name(expr: ast.Name, env: Env, depth: int) -> Val:
    if env.func is not None and expr.id in env.func.bindings:
        bound = env.func.bindings[expr.id]
        return fold(bound[0], env, depth + 1) if len(bound) == 1 else Val(False, None, f"variable {expr.id}")
    if env.func is not None and expr.id in env.func.params:
        default = env.func.defaults.get(expr.id)
        if default is None:
            return Val(False, None, f"parameter {expr.id}")
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


def _class_default(cls_name: str | None, expr: ast.Attribute, env: Env, depth: int) -> Val:
    cls = env.scope.classes.get(cls_name or "")
    if cls is None or expr.attr not in cls.attrs or cls_name in env.scope.settings_classes:
        return Val(False, None, f"configuration ({text(expr)})")
    val = fold(cls.attrs[expr.attr][0], Env(env.scope, None), depth + 1)
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
