"""Names in one module: imports and aliases, module/function/`self.` bindings, type hints."""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class FuncInfo:
    key: str
    node: ast.FunctionDef | ast.AsyncFunctionDef
    cls: str | None
    bindings: dict[str, list[ast.expr]] = field(default_factory=lambda: defaultdict(list))
    params: dict[str, ast.arg] = field(default_factory=dict)
    defaults: dict[str, ast.expr] = field(default_factory=dict)
    items: dict[str, dict[str, ast.expr]] = field(default_factory=lambda: defaultdict(dict))
    globals: set[str] = field(default_factory=set)  # names it declares `global`
    returns: list[ast.expr] = field(default_factory=list)  # the values of its `return` statements


@dataclass
class ClassInfo:
    name: str
    bases: list[ast.expr] = field(default_factory=list)
    attrs: dict[str, list[ast.expr]] = field(default_factory=lambda: defaultdict(list))
    hints: dict[str, ast.expr] = field(default_factory=dict)


@dataclass
class ModuleScope:
    module: str
    imports: dict[str, str] = field(default_factory=dict)
    bindings: dict[str, list[ast.expr]] = field(default_factory=lambda: defaultdict(list))
    hints: dict[str, ast.expr] = field(default_factory=dict)
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    settings_classes: set[str] = field(default_factory=set)
    functions: dict[str, FuncInfo] = field(default_factory=dict)
    parent: dict[ast.AST, FuncInfo] = field(default_factory=dict)
    body: list[ast.stmt] = field(default_factory=list)  # the module's own statements
    # A value bound inside `if` blocks of a function -> (test, branch taken) for each, outermost first
    guards: dict[ast.AST, tuple[tuple[ast.expr, bool], ...]] = field(default_factory=dict)
    _by_name: dict[tuple[str, bool], list[FuncInfo]] | None = field(default=None, repr=False)

    def named(self, name: str, *, method: bool) -> list[FuncInfo]:
        """Functions (or, with `method`, methods of any class) called `name`, in definition order.

        Indexed on first use, after the scope is built: a factory lookup per call would otherwise
        scan every function, which is quadratic in a file with thousands of them."""
        if self._by_name is None:
            self._by_name = defaultdict(list)
            for info in self.functions.values():
                self._by_name[(info.node.name, info.cls is not None)].append(info)
        return self._by_name.get((name, method), [])

    def dotted(self, expr: ast.expr) -> str | None:
        """`a.b.c` for a Name/Attribute chain, with the head replaced by what it was imported as."""
        parts: list[str] = []
        while isinstance(expr, ast.Attribute):
            parts.append(expr.attr)
            expr = expr.value
        if not isinstance(expr, ast.Name):
            return None
        head = self.imports.get(expr.id, expr.id)
        return ".".join([head, *reversed(parts)])


def chain(expr: ast.expr) -> tuple[ast.expr, list[str]]:
    """The innermost non-attribute expression and the attribute names applied to it, in order."""
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    return expr, list(reversed(parts))


def module_name(relpath: str) -> str:
    name = relpath.removesuffix(".py").replace("\\", "/").replace("/", ".")
    return name.removesuffix(".__init__")


def build_scope(tree: ast.Module, module: str) -> ModuleScope:
    """One pass over the tree collecting every binding the resolver needs."""
    scope = ModuleScope(module, body=tree.body)
    _collect_body(scope, tree.body, None, module)
    return scope


def _import(scope: ModuleScope, node: ast.Import | ast.ImportFrom) -> None:
    if isinstance(node, ast.Import):
        for a in node.names:
            scope.imports[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        return
    package = scope.module.rsplit(".", 1)[0] if "." in scope.module else ""
    base = _from_base(node, package)
    for a in node.names:
        scope.imports[a.asname or a.name] = f"{base}.{a.name}" if base else a.name


def _from_base(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".") if package else []
    parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
    return ".".join([*parts, node.module] if node.module else parts)


def _collect_body(scope: ModuleScope, body: list[ast.stmt], cls: ClassInfo | None, prefix: str) -> None:
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _collect_function(scope, stmt, cls, f"{prefix}.{stmt.name}")
        elif isinstance(stmt, ast.ClassDef):
            info = scope.classes.setdefault(stmt.name, ClassInfo(stmt.name))
            info.bases = stmt.bases
            if any("Settings" in ast.unparse(b) for b in stmt.bases):
                # pydantic BaseSettings fields are read from the environment.
                scope.settings_classes.add(stmt.name)
            _collect_body(scope, stmt.body, info, f"{prefix}.{stmt.name}")
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            _import(scope, stmt)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            _bind_targets(stmt, cls.attrs if cls else scope.bindings, cls.hints if cls else scope.hints)
        elif isinstance(stmt, (ast.If, ast.Try, ast.With, ast.For, ast.While)) and cls is None:
            inner = [*stmt.body, *getattr(stmt, "orelse", []), *getattr(stmt, "finalbody", [])]
            for h in getattr(stmt, "handlers", []):
                inner.extend(h.body)
            _collect_body(scope, inner, cls, prefix)


def _bind_targets(
    stmt: ast.Assign | ast.AnnAssign, into: dict[str, list[ast.expr]], hints: dict[str, ast.expr]
) -> None:
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    for t in targets:
        if isinstance(t, ast.Name):
            if stmt.value is not None:
                into[t.id].append(stmt.value)
            if isinstance(stmt, ast.AnnAssign):
                hints[t.id] = stmt.annotation


def _collect_function(
    scope: ModuleScope, node: ast.FunctionDef | ast.AsyncFunctionDef, cls: ClassInfo | None, key: str
) -> None:
    info = FuncInfo(key, node, cls.name if cls else None)
    scope.functions[key] = info
    args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
    for a in args:
        info.params[a.arg] = a
    positional = [*node.args.posonlyargs, *node.args.args]
    for a, d in zip(positional[len(positional) - len(node.args.defaults) :], node.args.defaults, strict=True):
        info.defaults[a.arg] = d
    for a, kd in zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True):
        if kd is not None:
            info.defaults[a.arg] = kd
    _collect_statements(scope, node.body, info, cls, key)


def _collect_statements(
    scope: ModuleScope,
    body: list[ast.stmt],
    info: FuncInfo,
    cls: ClassInfo | None,
    key: str,
    guards: tuple[tuple[ast.expr, bool], ...] = (),
) -> None:
    # Statements only: bindings, imports and nested functions are statements, and skipping
    # expressions keeps this pass a fraction of a full tree walk.
    for stmt in body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            _bind_in_function(stmt, info, cls)
            if stmt.value is not None:
                scope.parent[stmt.value] = info
                if guards:
                    scope.guards[stmt.value] = guards
                # `global _client` then `_client = OpenAI()`: a getter elsewhere hands it out
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for t in targets:
                    if isinstance(t, ast.Name) and t.id in info.globals:
                        scope.bindings[t.id].append(stmt.value)
        elif isinstance(stmt, ast.Global):
            info.globals.update(stmt.names)
        elif isinstance(stmt, ast.Return):
            if stmt.value is not None:
                info.returns.append(stmt.value)
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            _import(scope, stmt)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # Closures see the method's `self`, so they keep its class.
            _collect_function(scope, stmt, cls, f"{key}.{stmt.name}")
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            # `async with AsyncOpenAI() as client:`: an SDK client's __enter__ returns the client itself
            for item in stmt.items:
                if isinstance(item.optional_vars, ast.Name):
                    info.bindings[item.optional_vars.id].append(item.context_expr)
                    scope.parent[item.context_expr] = info
            _collect_statements(scope, stmt.body, info, cls, key, guards)
        elif isinstance(stmt, ast.If):
            _collect_statements(scope, stmt.body, info, cls, key, (*guards, (stmt.test, True)))
            _collect_statements(scope, stmt.orelse, info, cls, key, (*guards, (stmt.test, False)))
        elif not isinstance(stmt, ast.ClassDef):
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, field, None)
                if inner:
                    _collect_statements(scope, inner, info, cls, key, guards)
            for handler in getattr(stmt, "handlers", ()):
                _collect_statements(scope, handler.body, info, cls, key, guards)
            for case in getattr(stmt, "cases", ()):
                _collect_statements(scope, case.body, info, cls, key, guards)


def _bind_in_function(stmt: ast.Assign | ast.AnnAssign, info: FuncInfo, cls: ClassInfo | None) -> None:
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    for t in targets:
        if isinstance(t, ast.Name) and stmt.value is not None:
            info.bindings[t.id].append(stmt.value)
        elif (
            isinstance(t, ast.Subscript)
            and isinstance(t.value, ast.Name)
            and stmt.value is not None
            and isinstance(t.slice, ast.Constant)
            and isinstance(t.slice.value, str)
        ):
            # kwargs["timeout"] = 30: a dict built up before `Client(**kwargs)`
            info.items[t.value.id][t.slice.value] = stmt.value
        elif (
            cls is not None
            and isinstance(t, ast.Attribute)
            and isinstance(t.value, ast.Name)
            and t.value.id in ("self", "cls")
        ):
            if stmt.value is not None:
                cls.attrs[t.attr].append(stmt.value)
            if isinstance(stmt, ast.AnnAssign):
                cls.hints[t.attr] = stmt.annotation
