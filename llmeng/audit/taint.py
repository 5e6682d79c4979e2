"""Data flow inside one file: model output reaching a sink (LLM203), user input in a system prompt (LLM202)."""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator

from llmeng.audit.fastwalk import children, statements
from llmeng.audit.fastwalk import walk as fast_walk
from llmeng.audit.scope import FuncInfo, ModuleScope

_SANITIZERS = frozenset(
    {
        "json.loads",
        "ast.literal_eval",
        "literal_eval",
        "int",
        "float",
        "bool",
        "len",
        "model_validate_json",
        "model_validate",
        "parse_obj",
        "parse_raw",
        "validate",
        "shlex.quote",
        "quote",
        "escape",
        "html.escape",
        "isinstance",
        "str.isdigit",
    }
)
_CODE = frozenset({"exec", "eval", "compile", "builtins.exec", "builtins.eval"})
_SHELL_ALWAYS = frozenset(
    {
        "os.system",
        "os.popen",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
        "commands.getoutput",
        "pexpect.spawn",
        "pexpect.run",
    }
)
_SHELL_IF = frozenset(
    {
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "subprocess.Popen",
        "asyncio.create_subprocess_shell",
    }
)
_SQL_ATTRS = frozenset(
    {"execute", "executescript", "executemany", "read_sql", "read_sql_query", "exec_driver_sql"}
)
_FILE = frozenset(
    {
        "open",
        "pathlib.Path",
        "Path",
        "os.remove",
        "os.unlink",
        "shutil.rmtree",
        "os.rmdir",
        "io.open",
        "builtins.open",
    }
)
_GUARDS = ("confirm", "sandbox", "approve")
_SYSTEM_KWARGS = frozenset({"system", "instructions", "system_instruction", "preamble", "system_prompt"})
_REQUEST = ("request.", "st.text_input", "st.chat_input", "st.text_area", "input(", "sys.argv", "websocket.")

Origin = int | str  # id() of an LLM call node, or "param:<name>"


class FileTaint:
    """Per-function summaries computed to a small fixed point over one module."""

    def __init__(self, scope: ModuleScope, llm_nodes: set[int]) -> None:
        self.scope = scope
        self.llm = llm_nodes
        self.returns: dict[str, set[Origin]] = defaultdict(set)
        self.sinks: dict[str, list[tuple[Origin, str, bool]]] = defaultdict(list)

    def run(self, tree: ast.Module) -> dict[int, tuple[str, bool]]:
        """LLM call node id -> (first sink its output reaches, guarded by a confirmation/sandbox)."""
        units: list[tuple[str, FuncInfo | None, list[ast.stmt]]] = [
            (f.key, f, f.node.body) for f in self.scope.functions.values()
        ]
        units.append((f"{self.scope.module}.<module>", None, tree.body))
        for _ in range(2):
            for key, info, body in units:
                self.sinks[key] = []
                self._function(key, info, body)
        out: dict[int, tuple[str, bool]] = {}
        for entries in self.sinks.values():
            for origin, sink, guarded in entries:
                if isinstance(origin, int):
                    out.setdefault(origin, (sink, guarded))
        return out

    def _function(self, key: str, info: FuncInfo | None, body: list[ast.stmt]) -> None:
        tainted: dict[str, set[Origin]] = {
            p: {f"param:{p}"} for p in (info.params if info else ()) if p != "self"
        }
        for stmt in statements(body):
            self._statement(stmt, tainted, key, info)
        for stmt in statements(body):
            for node in _own_calls(stmt):
                self._sink(node, tainted, key, info)

    def _statement(
        self, stmt: ast.stmt, tainted: dict[str, set[Origin]], key: str, info: FuncInfo | None
    ) -> None:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and stmt.value is not None:
            origins = self.taint_of(stmt.value, tainted, info)
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for t in targets:
                for name in _names(t):
                    if isinstance(stmt, ast.AugAssign):
                        tainted.setdefault(name, set()).update(origins)
                    else:
                        tainted[name] = set(origins)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            origins = self.taint_of(stmt.iter, tainted, info)
            for name in _names(stmt.target):
                tainted[name] = set(origins)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    for name in _names(item.optional_vars):
                        tainted[name] = self.taint_of(item.context_expr, tainted, info)
        elif isinstance(stmt, ast.Return) and stmt.value is not None:
            self.returns[key] |= self.taint_of(stmt.value, tainted, info)

    def taint_of(self, expr: ast.expr, tainted: dict[str, set[Origin]], info: FuncInfo | None) -> set[Origin]:
        if id(expr) in self.llm:
            return {id(expr)}
        if isinstance(expr, ast.Name):
            return set(tainted.get(expr.id, ()))
        if isinstance(expr, ast.Call):
            name = self.scope.dotted(expr.func) or ""
            if name in _SANITIZERS or name.rsplit(".", 1)[-1] in _SANITIZERS:
                return set()
            callee = self._callee(expr, info)
            out: set[Origin] = set()
            if callee is not None:
                out |= self._through(callee, expr, tainted, info)
            for sub in [expr.func, *expr.args, *(k.value for k in expr.keywords)]:
                if not (callee is not None and sub is expr.func):
                    out |= self.taint_of(sub, tainted, info)
            return out
        if isinstance(expr, (ast.Lambda, ast.Constant)):
            return set()
        out = set()
        for child in children(expr):
            if isinstance(child, ast.expr):
                out |= self.taint_of(child, tainted, info)
        return out

    def _through(
        self, callee: str, call: ast.Call, tainted: dict[str, set[Origin]], info: FuncInfo | None
    ) -> set[Origin]:
        out: set[Origin] = set()
        args = _bind_args(self.scope.functions[callee], call)
        for origin in self.returns.get(callee, ()):
            if isinstance(origin, int):
                out.add(origin)
            elif origin[6:] in args:
                out |= self.taint_of(args[origin[6:]], tainted, info)
        return out

    def _callee(self, call: ast.Call, info: FuncInfo | None) -> str | None:
        f = call.func
        if isinstance(f, ast.Name):
            key = f"{self.scope.module}.{f.id}"
        elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "self" and info:
            key = f"{self.scope.module}.{info.cls}.{f.attr}"
        else:
            return None
        return key if key in self.scope.functions else None

    def _sink(self, node: ast.Call, tainted: dict[str, set[Origin]], key: str, info: FuncInfo | None) -> None:
        kind = sink_kind(node, self.scope)
        guarded = False
        if kind is not None and node.args:
            guarded = info is not None and _guarded(info)
            for origin in self.taint_of(node.args[0], tainted, info):
                self.sinks[key].append((origin, f"{kind} at line {node.lineno}", guarded))
        callee = self._callee(node, info)
        if callee is None:
            return
        args = _bind_args(self.scope.functions[callee], node)
        for origin, sink, g in list(self.sinks.get(callee, ())):
            if isinstance(origin, str) and origin[6:] in args:
                for o in self.taint_of(args[origin[6:]], tainted, info):
                    self.sinks[key].append((o, f"{sink} in {callee.rsplit('.', 1)[-1]}()", guarded or g))


def _guarded(info: FuncInfo) -> bool:
    """A confirmation prompt or a sandbox in the function downgrades the finding."""
    for sub in fast_walk(info.node):
        name = sub.id if isinstance(sub, ast.Name) else sub.attr if isinstance(sub, ast.Attribute) else ""
        if name == "input" or any(g in name.lower() for g in _GUARDS):
            return True
    return False


def sink_kind(node: ast.Call, scope: ModuleScope) -> str | None:
    name = scope.dotted(node.func) or ""
    if isinstance(node.func, ast.Name) and name in _CODE:
        return f"{name}()"
    if name in _SHELL_ALWAYS:
        return f"shell {name}()"
    if name in _SHELL_IF and any(
        k.arg == "shell" and isinstance(k.value, ast.Constant) and k.value.value for k in node.keywords
    ):
        return f"shell {name}(shell=True)"
    if isinstance(node.func, ast.Attribute) and node.func.attr in _SQL_ATTRS:
        return f"SQL .{node.func.attr}()"
    if name in _FILE:
        return f"file path {name}()"
    return None


def _bind_args(info: FuncInfo, call: ast.Call) -> dict[str, ast.expr]:
    params = [p for p in info.params if p not in ("self", "cls")]
    bound = {p: a for p, a in zip(params, call.args, strict=False) if not isinstance(a, ast.Starred)}
    bound.update({k.arg: k.value for k in call.keywords if k.arg})
    return bound


def _own_calls(stmt: ast.stmt) -> Iterator[ast.Call]:
    stack: list[ast.AST] = [c for c in children(stmt) if not isinstance(c, ast.stmt)]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Call):
            yield node
        if not isinstance(node, (ast.Lambda,)):
            stack.extend(children(node))


def _names(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for elt in target.elts:
            yield from _names(elt)
    elif isinstance(target, ast.Starred):
        yield from _names(target.value)


def system_taint(call: ast.Call, scope: ModuleScope, info: FuncInfo | None) -> str | None:
    """How user-controlled input is formatted into this call's system prompt, or None."""
    for content in _system_contents(call, scope, info):
        found = _user_input_in(content, scope, info, 0)
        if found:
            return found
    return None


def _system_contents(call: ast.Call, scope: ModuleScope, info: FuncInfo | None) -> Iterator[ast.expr]:
    for kw in call.keywords:
        if kw.arg in _SYSTEM_KWARGS:
            yield kw.value
    for root in [*call.args, *(k.value for k in call.keywords)]:
        for node in fast_walk(_deref(root, info)):
            yield from _system_parts(node)


def _system_parts(node: ast.AST) -> Iterator[ast.expr]:
    """The system prompt `node` holds: a system/developer message dict, a SystemMessage, system_instruction=."""
    if isinstance(node, ast.Dict):
        yield from _system_message_content(node)
    elif isinstance(node, ast.Call) and ast.unparse(node.func).endswith("SystemMessage"):
        yield from node.args[:1]
        yield from (k.value for k in node.keywords if k.arg == "content")
    elif isinstance(node, ast.keyword) and node.arg == "system_instruction":
        yield node.value


def _system_message_content(node: ast.Dict) -> Iterator[ast.expr]:
    pairs = {k.value: v for k, v in zip(node.keys, node.values, strict=True) if isinstance(k, ast.Constant)}
    role = pairs.get("role")
    if isinstance(role, ast.Constant) and role.value in ("system", "developer") and "content" in pairs:
        yield pairs["content"]


def _deref(expr: ast.expr, info: FuncInfo | None) -> ast.expr:
    if isinstance(expr, ast.Name) and info is not None and len(info.bindings.get(expr.id, ())) == 1:
        return info.bindings[expr.id][0]
    return expr


def _user_input_in(expr: ast.expr, scope: ModuleScope, info: FuncInfo | None, depth: int) -> str | None:
    if depth > 3:
        return None
    # Module-level scripts (Streamlit apps) bind names at module scope.
    bindings = info.bindings if info is not None else scope.bindings
    if isinstance(expr, ast.Name) and len(bindings.get(expr.id, ())) == 1:
        return _user_input_in(bindings[expr.id][0], scope, info, depth + 1)
    if not _builds_string(expr):
        return None
    for node in fast_walk(expr):
        found = _param_input(node, info) or _bound_input(node, expr, bindings) or _request_input(node)
        if found:
            return found
    return None


def _param_input(node: ast.AST, info: FuncInfo | None) -> str | None:
    """A string-like parameter of the enclosing function: whoever calls it decides the text."""
    if not (isinstance(node, ast.Name) and info is not None and node.id in info.params and node.id != "self"):
        return None
    ann = info.params[node.id].annotation
    if ann is None or ast.unparse(ann) in ("str", "Optional[str]", "str | None", "Any"):
        return f"parameter `{node.id}` of {info.node.name}() is formatted into the system prompt"
    return None


def _bound_input(node: ast.AST, expr: ast.expr, bindings: dict[str, list[ast.expr]]) -> str | None:
    """A name bound from request data."""
    if not (isinstance(node, ast.Name) and node.id in bindings and node is not expr):
        return None
    src = ast.unparse(bindings[node.id][0])
    if any(r in src for r in _REQUEST):
        return f"`{node.id}` comes from user input ({src[:40]}) and is formatted into the system prompt"
    return None


def _request_input(node: ast.AST) -> str | None:
    """Request data read in place."""
    if isinstance(node, (ast.Attribute, ast.Call)) and any(r in ast.unparse(node) for r in _REQUEST):
        return f"user input {ast.unparse(node)[:40]} is formatted into the system prompt"
    return None


def _builds_string(expr: ast.expr) -> bool:
    if isinstance(expr, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in expr.values)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod)):
        return True
    return (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr in ("format", "format_map", "join", "replace", "substitute")
    )
