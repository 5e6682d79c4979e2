"""Find LLM calls and resolve their client, provider, timeout, retries and output bound, with origins."""

from __future__ import annotations

import ast
import re
from dataclasses import replace

from llmeng.audit.detected import ClientRef, Detected
from llmeng.audit.fastwalk import statements
from llmeng.audit.knowledge import Knowledge, Sdk
from llmeng.audit.model import DEFAULT, SET, Setting
from llmeng.audit.scope import FuncInfo, ModuleScope, chain
from llmeng.audit.settings import Resolved, resolve_settings
from llmeng.audit.values import Env, deref
from llmeng.findings import Confidence

_OPTION_METHODS = ("with_options", "copy", "bind")
_PASS_THROUGH = (
    "with_config",
    "with_structured_output",
    "bind_tools",
    "with_listeners",
    "with_types",
    "pipe",
)
# LangChain runnable calls matched on an unresolved receiver whose name says it is a model.
_LC_METHODS = frozenset({"invoke", "ainvoke", "stream", "astream"})
_LC_RECEIVER = re.compile(r"llm|chat|model", re.IGNORECASE)
_MAX_DEPTH = 5


class Resolver:
    def __init__(self, knowledge: Knowledge) -> None:
        self.k = knowledge
        # Function key -> the client it returns (None: none, or still being resolved). Without this,
        # mutually recursive helpers make factory lookup exponential.
        self._returns: dict[str, ClientRef | None] = {}

    def detect(self, node: ast.Call, env: Env) -> Detected | None:
        """The LLM call this node is, or None."""
        return self._detect_func(node, node.func, env, 0)

    def client_settings(self, client: ClientRef) -> Resolved:
        """The settings a client carries by itself (what a factory function hands out)."""
        probe = ast.Call(func=ast.Name("_", ast.Load()), args=[], keywords=[])
        return resolve_settings(
            Detected(probe, client.sdk, client, False, client.confidence, client.via), client.env
        )

    def settings(self, det: Detected, env: Env) -> Resolved:
        """Merge call kwargs, option layers and constructor kwargs over the SDK defaults."""
        return resolve_settings(det, env)

    def _detect_func(self, node: ast.Call, func: ast.expr, env: Env, depth: int) -> Detected | None:
        if depth > _MAX_DEPTH:
            return None
        name = env.scope.dotted(func) or ""
        if name in self.k.function_index:
            sdk = self.k.sdks[self.k.function_index[name]]
            kind = "embed" if name in self.k.embedding_functions else "generate"
            return Detected(node, sdk, None, True, Confidence.HIGH, f"module function {name}", kind)
        if name in self.k.http_index:
            return self._detect_http(node, self.k.sdks[self.k.http_index[name]], env)
        literal = ast.unparse(func) if isinstance(func, ast.Attribute) else ""
        if literal in self.k.function_index and name != literal:
            # `litellm.completion` through a lazy proxy object named like the module (aider's LazyLiteLLM)
            sdk = self.k.sdks[self.k.function_index[literal]]
            kind = "embed" if literal in self.k.embedding_functions else "generate"
            return Detected(node, sdk, None, True, Confidence.MEDIUM, f"{literal} through {name}", kind)
        if isinstance(func, ast.Attribute):
            found = self._detect_method(node, func, env)
            if found is not None or not _is_self_attr(func):
                return found
        for alias in self._aliases(func, env):
            found = self._detect_func(node, alias, env, depth + 1)
            if found is not None:
                return found
        return None

    def _aliases(self, func: ast.expr, env: Env) -> list[ast.expr]:
        # `completion = client.chat.completions.create` and `self.create = ...` (bound-method aliases);
        # a name bound in several branches keeps every candidate.
        if isinstance(func, ast.Name):
            if env.func is not None and func.id in env.func.bindings:
                bound = env.func.bindings[func.id]
            elif env.func is not None and func.id in env.func.params:
                bound = []
            else:
                bound = env.scope.bindings.get(func.id, [])
        elif _is_self_attr(func) and env.func and env.func.cls:
            bound = env.scope.classes[env.func.cls].attrs.get(func.attr, [])  # type: ignore[attr-defined]
        else:
            bound = []
        return [b for b in bound if isinstance(b, ast.Attribute)]

    def _detect_method(self, node: ast.Call, func: ast.Attribute, env: Env) -> Detected | None:
        _, parts = chain(func)
        for tail in self.k.tails_by_last.get(func.attr, ()):
            if len(parts) < len(tail) or tuple(parts[-len(tail) :]) != tail:
                continue
            receiver: ast.expr = func
            for _ in tail:
                receiver = receiver.value  # type: ignore[attr-defined]
            method = ".".join(tail)
            client = self.client_of(receiver, env, 0)
            if client is not None:
                if method in client.sdk.methods:
                    return Detected(node, client.sdk, client, False, client.confidence, client.via)
                if method in client.sdk.embedding_methods:
                    return Detected(node, client.sdk, client, False, client.confidence, client.via, "embed")
                return None
            if method in self.k.shapes and not self._other_aws_service(receiver, env):
                sdk = self.k.sdks[self.k.shapes[method]]
                conf = Confidence.MEDIUM if len(tail) >= 2 else Confidence.LOW
                kind = "embed" if method in sdk.embedding_methods else "generate"
                return Detected(
                    node,
                    sdk,
                    None,
                    False,
                    conf,
                    f"call shape .{method} on an unresolved receiver",
                    kind,
                    receiver,
                )
            if method in _LC_METHODS and self._langchain_receiver(receiver, env):
                sdk = self.k.sdks["langchain_other"]
                return Detected(
                    node,
                    sdk,
                    None,
                    False,
                    Confidence.LOW,
                    f".{method}() on {ast.unparse(receiver)[:40]} in a LangChain module (by name)",
                )
        return None

    def _other_aws_service(self, receiver: ast.expr, env: Env) -> bool:
        # boto3.client("s3").converse is not Bedrock: the service name rules the shape out.
        target = deref(receiver, env)
        if (
            isinstance(target, ast.Call)
            and isinstance(target.func, ast.Attribute)
            and target.func.attr == "client"
        ):
            service = _service(target)
            return service is not None and service != "bedrock-runtime"
        return False

    def _langchain_receiver(self, receiver: ast.expr, env: Env) -> bool:
        _, parts = chain(receiver)
        name = parts[-1] if parts else receiver.id if isinstance(receiver, ast.Name) else ""
        if not _LC_RECEIVER.search(name) or "langchain_other" not in self.k.sdks:
            return False
        return any(v.startswith("langchain") for v in env.scope.imports.values())

    def _detect_http(self, node: ast.Call, sdk: Sdk, env: Env) -> Detected | None:
        # requests.post(...) is an LLM call only when its URL or payload says so.
        url = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "url"), None)
        text = _string_parts(url, env) if url is not None else ""
        if any(m in text for m in sdk.url_markers):
            kind = "embed" if "embedding" in text else "generate"
            return Detected(
                node, sdk, None, True, Confidence.MEDIUM, f"HTTP POST to an LLM API ({text[:50]})", kind
            )
        payload = next((deref(k.value, env) for k in node.keywords if k.arg == "json"), None)
        if isinstance(payload, ast.Dict):
            keys = {k.value for k in payload.keys if isinstance(k, ast.Constant)}
            if "model" in keys and keys & {"messages", "prompt"}:
                return Detected(
                    node, sdk, None, True, Confidence.LOW, "HTTP POST of an LLM payload (model, messages)"
                )
        return None

    def client_of(self, expr: ast.expr, env: Env, depth: int) -> ClientRef | None:
        """The client an expression evaluates to, through bindings, hints and option layers."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, ast.Await):
            return self.client_of(expr.value, env, depth + 1)
        if isinstance(expr, ast.Call):
            return self._client_of_call(expr, env, depth)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
            # LCEL: `prompt | llm | parser` calls llm
            for side in (expr.left, expr.right):
                found = self.client_of(side, env, depth + 1)
                if found is not None:
                    found.confidence, found.via = Confidence.MEDIUM, f"{found.via}, through an LCEL pipe"
                    return found
            return None
        if isinstance(expr, ast.Name):
            return self._client_of_name(expr, env, depth)
        if _is_self_attr(expr) and env.func and env.func.cls:
            return self._client_of_self(expr, env, depth)  # type: ignore[arg-type]
        return None

    def _client_of_call(self, expr: ast.Call, env: Env, depth: int) -> ClientRef | None:
        name = env.scope.dotted(expr.func) or ""
        key = self.k.ctor_sdk(name)
        if key is None and isinstance(expr.func, ast.Attribute) and expr.func.attr == "client":
            key = "bedrock" if "bedrock" in self.k.sdks else None
        if key is not None:
            sdk = self.k.sdks[key]
            if sdk.service and _service(expr) != sdk.service:
                return None
            return ClientRef(sdk, expr, env, f"{name.rsplit('.', 1)[-1]}() at line {expr.lineno}")
        if isinstance(expr.func, ast.Attribute):
            attr = expr.func.attr
            if attr in _OPTION_METHODS or attr in _PASS_THROUGH or attr in ("with_retry", "with_fallbacks"):
                inner = self.client_of(expr.func.value, env, depth + 1)
                if inner is not None:
                    if attr in _OPTION_METHODS:
                        inner.layers.insert(0, (expr, env))
                    elif attr not in _PASS_THROUGH:
                        inner.modifiers[attr] = expr.lineno
                return inner
        return self._client_of_factory(expr, env, depth)

    def _client_of_factory(self, expr: ast.Call, env: Env, depth: int) -> ClientRef | None:
        # make_client() or self._create_chat_model(): a function in this module returning a client
        if isinstance(expr.func, ast.Name):
            candidates = env.scope.named(expr.func.id, method=False)
        elif _is_self_attr(expr.func) and env.func and env.func.cls:
            attr = expr.func.attr  # type: ignore[attr-defined]
            key = f"{env.scope.module}.{env.func.cls}.{attr}"
            # Own class first, then a base class or mixin defined in the same module.
            candidates = (
                [env.scope.functions[key]]
                if key in env.scope.functions
                else env.scope.named(attr, method=True)
            )
        else:
            return None
        for info in candidates:
            found = self.returned_client(info, env.scope, depth)
            if found is not None:
                return found
        return None

    def returned_client(self, info: FuncInfo, scope: ModuleScope, depth: int = 0) -> ClientRef | None:
        """The client a function returns, if any (a fresh copy: callers add layers to it)."""
        if info.key not in self._returns:
            self._returns[info.key] = None
            for stmt in statements(info.node.body):
                if isinstance(stmt, ast.Return) and stmt.value is not None:
                    found = self.client_of(stmt.value, Env(scope, info), depth + 1)
                    if found is not None:
                        found.via += f", returned by {info.node.name}()"
                        self._returns[info.key] = found
                        break
        cached = self._returns[info.key]
        if cached is None:
            return None
        return replace(cached, layers=list(cached.layers), modifiers=dict(cached.modifiers))

    def _client_of_name(self, expr: ast.Name, env: Env, depth: int) -> ClientRef | None:
        func = env.func
        if func is not None and expr.id in func.bindings:
            found = self._first(func.bindings[expr.id], env, depth)
            if found is not None or expr.id not in func.params:
                return found
        if func is not None and expr.id in func.params:
            ann = func.params[expr.id].annotation
            return self._hinted(ann, env, f"type hint of parameter {expr.id}") if ann else None
        if expr.id in env.scope.bindings:
            return self._first(env.scope.bindings[expr.id], Env(env.scope, None), depth)
        ann = env.scope.hints.get(expr.id)
        return self._hinted(ann, env, f"type hint of {expr.id}") if ann is not None else None

    def _client_of_self(self, expr: ast.Attribute, env: Env, depth: int) -> ClientRef | None:
        cls = env.scope.classes.get(env.func.cls or "") if env.func else None
        if cls is None:
            return None
        bound = cls.attrs.get(expr.attr, [])
        found = self._worst(
            [self.client_of(v, Env(env.scope, env.scope.parent.get(v)), depth + 1) for v in bound]
        )
        if found is not None:
            return found
        ann = cls.hints.get(expr.attr)
        return self._hinted(ann, env, f"type hint of self.{expr.attr}") if ann is not None else None

    def _first(self, values: list[ast.expr], env: Env, depth: int) -> ClientRef | None:
        return self._worst([self.client_of(value, env, depth + 1) for value in values])

    def _worst(self, candidates: list[ClientRef | None]) -> ClientRef | None:
        """Of the clients a name may hold (bound in several branches), the one with the worst timeout.

        The others are named in the evidence, so a reader sees every candidate.
        """
        found = [c for c in candidates if c is not None]
        if len(found) <= 1:
            return found[0] if found else None
        ranked = sorted(found, key=lambda c: _badness(self.client_settings(c).timeout), reverse=True)
        worst = ranked[0]
        others = "; ".join(dict.fromkeys(c.via for c in ranked[1:] if c.via != worst.via))
        if others:
            worst.via += f" (worst of several; also {others})"
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


def _string_parts(expr: ast.expr, env: Env, depth: int = 0) -> str:
    """The literal text an expression is built from (f-string and + parts), for URL matching."""
    expr = deref(expr, env)
    if depth > 3:
        return ""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, ast.JoinedStr):
        return "".join(_string_parts(v, env, depth + 1) for v in expr.values)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return _string_parts(expr.left, env, depth + 1) + _string_parts(expr.right, env, depth + 1)
    return ""


def _badness(timeout: Setting) -> float:
    """Infinite is worst, then the longest finite timeout; unknown or configured elsewhere ranks last."""
    if timeout.state not in (SET, DEFAULT):
        return -1.0
    return float("inf") if timeout.value is None else float(timeout.value)


def _service(call: ast.Call) -> str | None:
    for arg in call.args[:1]:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return arg.value
    for kw in call.keywords:
        if kw.arg == "service_name" and isinstance(kw.value, ast.Constant):
            return str(kw.value.value)
    return None


def _is_self_attr(expr: ast.expr) -> bool:
    return (
        isinstance(expr, ast.Attribute)
        and isinstance(expr.value, ast.Name)
        and expr.value.id in ("self", "cls")
    )
