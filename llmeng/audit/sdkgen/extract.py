"""Find a recipe's anchor in a wheel's source and fold the default value there, with `ast` only."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from llmeng.audit.sdkgen.lookup import Def, Miss, find_member, find_name
from llmeng.audit.sdkgen.recipe import FIX, Recipe
from llmeng.audit.sdkgen.wheel import Loc, Module, Source
from llmeng.errors import LlmengError

UNSET: Any = type("Unset", (), {"__repr__": lambda self: "UNSET"})()
REQUIRED: Any = type("Required", (), {"__repr__": lambda self: "REQUIRED"})()

_BINOPS: Mapping[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Pow: operator.pow,
}
_ENV_GETTERS = ("os.environ.get", "os.getenv", "environ.get", "getenv")
_Def = Def


class RecipeError(LlmengError):
    """A recipe no longer matches the source of its pinned wheel."""


@dataclass(frozen=True)
class Read:
    """What a recipe read: the expression's text, its value (or UNSET/REQUIRED), where it was."""

    text: str
    value: Any
    loc: Loc
    value_loc: Loc | None = None  # where the value itself was defined, when reached through a name


def read(source: Source, recipe: Recipe) -> Read:
    """The value a recipe's anchor holds; raises RecipeError naming the library and the recipe."""
    mod = source.file(recipe.dist, recipe.file)
    where = f"{recipe.dist} {recipe.file}"
    try:
        if mod is None:
            raise Miss("the file is not in the wheel")
        return _Reader(source, recipe).anchor(mod)
    except Miss as e:
        raise RecipeError(f"{recipe.name}: {e} ({recipe.anchor} {recipe.target!r} in {where})", FIX) from e


class _Reader:
    def __init__(self, source: Source, recipe: Recipe) -> None:
        self.source = source
        self.recipe = recipe
        self.env: dict[str, Any] = {}
        self.via: Loc | None = None

    def anchor(self, mod: Module) -> Read:
        kind, target = self.recipe.anchor, self.recipe.target
        if kind == "constant":
            found = find_name(self.source, mod, target)
            if found is None or found[0] == "class":
                raise Miss(f"no module-level assignment to {target}")
            _, node, mod, stmt = found
            return self._finish(node, mod, mod.loc(stmt))
        if kind == "field":
            cls_path, _, attr = target.rpartition(".")
            cls, cmod = self._class_path(mod, cls_path)
            member = find_member(self.source, cls, cmod, attr)
            if member is None or isinstance(member[0], _Def):
                raise Miss(f"{cls_path} and its bases define no field {attr}")
            stmt, fmod = member
            value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
            return self._finish(value, fmod, fmod.loc(stmt))
        func_path, _, last = target.rpartition(":" if kind == "call" else ".")
        func, fmod = self._function(mod, func_path)
        if kind == "param":
            return self._param(func, fmod, last)
        self.env = self._param_env(func, fmod)
        self.via = None
        if kind == "assign":
            return self._assign(func, fmod, last)
        return self._call(func, fmod, last)

    def _param(self, func: _Def, mod: Module, name: str) -> Read:
        args = func.args
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(
            args.defaults
        )
        pairs = [
            *zip(positional, defaults, strict=True),
            *zip(args.kwonlyargs, args.kw_defaults, strict=True),
        ]
        for arg, default in pairs:
            if arg.arg == name:
                return self._finish(default, mod, mod.loc(arg))
        raise Miss(f"{func.name}() has no parameter {name}")

    def _param_env(self, func: _Def, mod: Module) -> dict[str, Any]:
        env: dict[str, Any] = {}
        args = func.args
        positional = [*args.posonlyargs, *args.args]
        pairs = [*zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True)]
        pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None]
        for arg, default in pairs:
            try:
                env[arg.arg] = self.value(default, mod)
            except Miss:
                continue  # a default we cannot fold is simply not known to the expression
        env.update(dict.fromkeys(self.recipe.assume_none))
        return env

    def _assign(self, func: _Def, mod: Module, name: str) -> Read:
        # The last assignment: a fallback (`if x is None: x = DEFAULT`) comes after what it falls back from.
        for stmt in sorted(_walk(func, ast.Assign, ast.AnnAssign), key=lambda s: -s.lineno):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets) and stmt.value is not None:
                return self._finish(stmt.value, mod, mod.loc(stmt))
        raise Miss(f"{func.name}() never assigns {name}")

    def _call(self, func: _Def, mod: Module, callee: str) -> Read:
        calls = sorted(_walk(func, ast.Call), key=lambda c: (c.lineno, c.col_offset))
        for call in calls:
            if _last_name(call.func) == callee:
                kw = next((k for k in call.keywords if k.arg == self.recipe.kwarg), None)
                if kw is None:
                    return Read(f"{callee}() without {self.recipe.kwarg}=", UNSET, mod.loc(call))
                return self._finish(kw.value, mod, mod.loc(kw.value))
        raise Miss(f"{func.name}() never calls {callee}()")

    def _finish(self, node: ast.expr | None, mod: Module, loc: Loc) -> Read:
        if node is None:
            return Read("(no default)", REQUIRED, loc)
        node, mod = self._navigate(node, mod)
        text = ast.unparse(node)
        if text in self.recipe.unset:
            return Read(text, UNSET, loc)
        value = self.value(node, mod)
        return Read(text, UNSET if value is None else value, loc, self.via)

    def _navigate(self, node: ast.expr, mod: Module) -> tuple[ast.expr, Module]:
        for step in self.recipe.key_path:
            node, mod = self._deref(node, mod)
            if isinstance(node, ast.Call) and step.startswith("arg") and int(step[3:]) < len(node.args):
                node = node.args[int(step[3:])]
            elif isinstance(node, ast.Dict):
                keys = [k.value if isinstance(k, ast.Constant) else None for k in node.keys]
                if step not in keys:
                    raise Miss(f"no key {step!r} in {ast.unparse(node)[:60]}")
                node = node.values[keys.index(step)]
            elif isinstance(node, (ast.List, ast.Tuple)) and step.isdigit() and int(step) < len(node.elts):
                node = node.elts[int(step)]
            else:
                raise Miss(f"cannot step into {ast.unparse(node)[:60]} with {step!r}")
        return node, mod

    def _deref(self, node: ast.expr, mod: Module) -> tuple[ast.expr, Module]:
        if isinstance(node, ast.Name):
            found = find_name(self.source, mod, node.id)
            if found is not None and found[0] == "value":
                return found[1], found[2]
        return node, mod

    def value(self, node: ast.expr, mod: Module) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        text = ast.unparse(node)
        if text in self.env:
            return self.env[text]
        if isinstance(node, ast.Name):
            found = find_name(self.source, mod, node.id)
            if found is None or found[0] == "class":
                raise Miss(f"cannot resolve the name {node.id}")
            _, expr, vmod, stmt = found
            self.via = vmod.loc(stmt)
            return self.value(expr, vmod)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = self.value(node.operand, mod)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return _BINOPS[type(node.op)](self.value(node.left, mod), self.value(node.right, mod))
        if isinstance(node, ast.BoolOp):
            return self._boolop(node, mod)
        if isinstance(node, ast.IfExp):
            return self.value(node.body if self.value(node.test, mod) else node.orelse, mod)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            return _compare(node.ops[0], self.value(node.left, mod), self.value(node.comparators[0], mod))
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self.value(e, mod) for e in node.elts]
        if isinstance(node, ast.Dict):
            return {self.value(k, mod): self.value(v, mod) for k, v in zip(node.keys, node.values) if k}
        if isinstance(node, ast.Call):
            return self._callvalue(node, mod)
        raise Miss(f"cannot fold {text[:60]}")

    def _boolop(self, node: ast.BoolOp, mod: Module) -> Any:
        value: Any = None
        for operand in node.values:
            value = self.value(operand, mod)
            if bool(value) == isinstance(node.op, ast.Or):
                return value
        return value

    def _callvalue(self, node: ast.Call, mod: Module) -> Any:
        name, text = _last_name(node.func), ast.unparse(node.func)
        kwargs = {k.arg: k.value for k in node.keywords if k.arg}
        if name == "Field":
            if "default" in kwargs:
                return self.value(kwargs["default"], mod)
            if node.args and not (isinstance(node.args[0], ast.Constant) and node.args[0].value is ...):
                return self.value(node.args[0], mod)
            raise Miss(
                "Field() has no default" + (" (default_factory)" if "default_factory" in kwargs else "")
            )
        if name == "Timeout":
            # An httpx Timeout's read limit is what bounds a slow response: read=, else the overall value.
            chosen = kwargs.get("read") or kwargs.get("timeout") or (node.args[0] if node.args else None)
            return None if chosen is None else self.value(chosen, mod)
        if name in ("float", "int") and len(node.args) == 1:
            return {"float": float, "int": int}[name](self.value(node.args[0], mod))
        if text in _ENV_GETTERS:
            # The code as shipped: an unset environment variable leaves the default the code supplies.
            default = node.args[1] if len(node.args) > 1 else kwargs.get("default")
            return None if default is None else self.value(default, mod)
        raise Miss(f"cannot fold the call {ast.unparse(node)[:60]}")

    def _class_path(self, mod: Module, path: str) -> tuple[ast.ClassDef, Module]:
        found = find_name(self.source, mod, path)
        if found is None or found[0] != "class":
            raise Miss(f"no class {path}")
        return found[1], found[2]

    def _function(self, mod: Module, path: str) -> tuple[_Def, Module]:
        head, _, method = path.partition(".")
        if not method:
            funcs = [s for s in mod.top_level() if isinstance(s, _Def) and s.name == head]
            if not funcs:
                raise Miss(f"no function {head}()")
            return funcs[-1], mod  # the last definition is the one that runs (after @overload stubs)
        cls, cmod = self._class_path(mod, head)
        member = find_member(self.source, cls, cmod, method)
        if member is None or not isinstance(member[0], _Def):
            raise Miss(f"{head} and its bases define no method {method}()")
        return member[0], member[1]


def _walk(func: _Def, *types: type[ast.AST]) -> list[Any]:
    return [n for n in ast.walk(func) if isinstance(n, types)]


def _last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _compare(op: ast.cmpop, left: Any, right: Any) -> bool:
    if isinstance(op, ast.Is):
        return left is right
    if isinstance(op, ast.IsNot):
        return left is not right
    if isinstance(op, ast.Eq):
        return bool(left == right)
    if isinstance(op, ast.NotEq):
        return bool(left != right)
    raise Miss(f"cannot fold the comparison {type(op).__name__}")
