"""Find LLM calls and resolve their client, provider, timeout, retries and output bound, with origins.

A call is an LLM call when its function is an SDK function (`litellm.completion`, also through an
alias, `functools.partial` or a module held in a variable), a known method on a client (`clients.py`
says which client a receiver holds), a distinctive method shape on a receiver we cannot resolve, or
an LLM method handed to something that calls it (`asyncio.to_thread(client.chat.completions.create,
...)`, `loop.run_in_executor(None, fn)`, a project retry helper `self.retryer(self.client.create, **kw)`).
"""

from __future__ import annotations

import ast
import re

from llmeng.audit.clients import Clients, also, arms, badness, is_self_attr, live, service_name
from llmeng.audit.detected import ClientRef, Detected
from llmeng.audit.knowledge import Knowledge, Sdk
from llmeng.audit.model import DEFAULT, SET
from llmeng.audit.scope import chain
from llmeng.audit.settings import Resolved, resolve_settings
from llmeng.audit.values import Env, deref
from llmeng.findings import Confidence

# LangChain runnable calls matched on an unresolved receiver whose name says it is a model.
_LC_METHODS = frozenset({"invoke", "ainvoke", "stream", "astream"})
_LC_RECEIVER = re.compile(r"llm|chat|model", re.IGNORECASE)
# A URL held in a variable named for a model endpoint (self.embedding_url, inference_endpoint, CHAT_API):
# a word for what a model does next to a word for an address. A provider's name alone is not enough:
# `ollama_host` also pulls models and `openai_base` uploads files.
_ENDPOINT_NAME = re.compile(
    r"(?i)(?:^|_)(?:embed(?:ding)?s?|inference|completions?|chat|llm|generat(?:e|ion))_"
    r"(?:url|uri|endpoint|api|host|base|server)(?:_|$)"
)
# `client.chat.completions.with_raw_response.create(...)` is `chat.completions.create` with headers.
_RESPONSE_VIEWS = frozenset({"with_raw_response", "with_streaming_response"})
# Functions that take a callable without calling it: handing an LLM method to these is no call.
_NOT_CALLING = frozenset(
    {
        "getattr",
        "hasattr",
        "setattr",
        "isinstance",
        "callable",
        "print",
        "repr",
        "str",
        "id",
        "type",
        "wraps",
        "signature",
        "iscoroutinefunction",
        "isfunction",
        "ismethod",
        "getdoc",
        "getsource",
        "append",
        "register",
        "partial",
    }
)
_PASSED_ARGS = 2  # to_thread(f, ...), run_in_executor(None, f, ...), retryer(f, ...)
_MAX_DEPTH = 5


class Resolver:
    def __init__(self, knowledge: Knowledge) -> None:
        self.k = knowledge
        self.clients = Clients(knowledge)
        # Last names of SDK functions: a call `x.completion(...)` may be one on an SDK module held in x.
        self._function_lasts = frozenset(
            name.rsplit(".", 1)[-1]
            for name in knowledge.function_index
            if name.rsplit(".", 1)[0] in self.clients.modules
        )
        # One-name model methods (invoke, ainvoke, complete, embed_query, ...) -> an SDK that has it.
        self._verbs: dict[str, str] = {}
        for sdk in knowledge.sdks.values():
            for m in (*sdk.methods, *sdk.embedding_methods):
                if "." not in m:
                    self._verbs.setdefault(m, sdk.key)

    def detect(self, node: ast.Call, env: Env) -> Detected | None:
        """The LLM call this node is, or None."""
        found = self._detect_func(node, node.func, env, 0)
        if found is None and node.args:
            found = self._detect_passed(node, env)
        return found

    def candidate(self, node: ast.Call, env: Env) -> Detected | None:
        """`x.ainvoke(...)` where no module-local value of x is known: a call site if x turns out to hold
        a client with that method once the whole project is read (flow.py)."""
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in self._verbs:
            return None
        sdk = self.k.sdks[self._verbs[func.attr]]
        via = f".{func.attr}() on {ast.unparse(func.value)[:40]}"
        det = Detected(node, sdk, None, False, Confidence.LOW, via, receiver=func.value)
        det.pending = func.attr
        return det

    def client_of(self, expr: ast.expr, env: Env, depth: int = 0) -> ClientRef | None:
        return self.clients.client_of(expr, env, depth)

    def client_settings(self, client: ClientRef) -> Resolved:
        """The settings a client carries by itself (what a factory function hands out)."""
        return self.clients.settings(client)

    def settings(self, det: Detected, env: Env) -> Resolved:
        """Merge call kwargs, option layers and constructor kwargs over the SDK defaults."""
        return resolve_settings(det, env)

    def _detect_func(self, node: ast.Call, func: ast.expr, env: Env, depth: int) -> Detected | None:
        if depth > _MAX_DEPTH:
            return None
        name = env.scope.dotted(func) or ""
        if name in self.k.function_index:
            return self._function(node, name, Confidence.HIGH, f"module function {name}")
        if name in self.k.http_index:
            return self._detect_http(node, self.k.sdks[self.k.http_index[name]], env)
        literal = ast.unparse(func) if isinstance(func, ast.Attribute) else ""
        if literal in self.k.function_index and name != literal:
            # `litellm.completion` through a lazy proxy object named like the module (aider's LazyLiteLLM)
            return self._function(node, literal, Confidence.MEDIUM, f"{literal} through {name}")
        if isinstance(func, ast.Attribute):
            found = self._detect_method(node, func, env) or self._on_module(node, func, env)
            if found is not None or not is_self_attr(func):
                return found
        candidates = []
        for alias, layer in self._aliases(func, env):
            found = self._detect_func(node, alias, env, depth + 1)
            if found is not None:
                if layer is not None:
                    found.layers.insert(0, (layer, env))
                candidates.append(found)
        return self._worst(candidates, env)

    def _worst(self, candidates: list[Detected], env: Env) -> Detected | None:
        """Of the calls a name bound in several branches may make, the one with the worst timeout
        (then one whose attempts are known); the others are named in the evidence."""
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        ranked = sorted(candidates, key=lambda d: _rank(resolve_settings(d, env)), reverse=True)
        worst = ranked[0]
        worst.via += also(d.via for d in ranked[1:] if d.via != worst.via)
        return worst

    def _function(self, node: ast.Call, name: str, confidence: Confidence, via: str) -> Detected:
        sdk = self.k.sdks[self.k.function_index[name]]
        kind = "embed" if name in self.k.embedding_functions else "generate"
        return Detected(node, sdk, None, True, confidence, via, kind)

    def _on_module(self, node: ast.Call, func: ast.Attribute, env: Env) -> Detected | None:
        # `self.client.completion(...)` where create_client() returned the litellm module.
        if func.attr not in self._function_lasts:
            return None
        holder = self.clients.client_of(func.value, env, 0)
        if holder is None or holder.module is None:
            return None
        name = f"{holder.module}.{func.attr}"
        if name not in self.k.function_index:
            return None
        return self._function(node, name, Confidence.MEDIUM, f"{name} through {holder.via}")

    def _aliases(self, func: ast.expr, env: Env) -> list[tuple[ast.expr, ast.Call | None]]:
        # `completion = client.chat.completions.create` and `self.create = ...` (bound-method aliases);
        # a name bound in several branches keeps every candidate.
        if isinstance(func, ast.Name):
            if env.func is not None and func.id in env.func.bindings:
                bound = env.func.bindings[func.id]
            elif env.func is not None and func.id in env.func.params:
                bound = []
            else:
                bound = env.scope.bindings.get(func.id, [])
        elif is_self_attr(func) and env.self_class:
            attr = func.attr  # type: ignore[attr-defined]
            bound = [
                v for c in self.clients.lineage(env.scope, env.self_class) for v in c.attrs.get(attr, [])
            ]
        else:
            bound = []
        return [c for b in live(bound, env) for c in _callables(b, env) if not _same(c[0], func)]

    def _detect_passed(self, node: ast.Call, env: Env) -> Detected | None:
        """An LLM method handed to a function that calls it: the handing-over is the call site."""
        func = node.func
        last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if last in _NOT_CALLING or last[:1].isupper():
            return None  # a class keeps the callable for later (Thread(target=f), EmbeddingFunc(f))
        for arg in node.args[:_PASSED_ARGS]:
            if isinstance(arg, ast.Name) and not self._may_name_a_call(arg.id, env):
                continue
            for target, layer in _callables(arg, env):
                found = self._detect_func(node, target, env, 1)
                if found is not None:
                    if layer is not None:
                        found.layers.insert(0, (layer, env))
                    callee = env.scope.dotted(func) or ast.unparse(func)
                    found.via += f", handed to {callee[:40]}()"
                    found.wrapper = node.func
                    return found
        return None

    def _may_name_a_call(self, name: str, env: Env) -> bool:
        """A name that can hold an LLM function: bound here or in the module, or imported (not a plain
        parameter, which holds whatever callers pass)."""
        func = env.func
        if func is not None and name in func.bindings:
            return any(_holds_callable(v, env) for v in func.bindings[name])
        if func is not None and name in func.params:
            return False
        return name in env.scope.imports or any(
            _holds_callable(v, env) for v in env.scope.bindings.get(name, ())
        )

    def _detect_method(self, node: ast.Call, func: ast.Attribute, env: Env) -> Detected | None:
        _, parts = chain(func)
        if _RESPONSE_VIEWS.intersection(parts):
            parts = [p for p in parts if p not in _RESPONSE_VIEWS]
        if any(tuple(parts[-len(n) :]) == n for n in self.k.not_calls):
            return None
        for tail in self.k.tails_by_last.get(func.attr, ()):
            if len(parts) < len(tail) or tuple(parts[-len(tail) :]) != tail:
                continue
            receiver = _receiver(func, len(tail))
            method = ".".join(tail)
            client = self.clients.client_of(receiver, env, 0)
            if client is not None:
                found = self._on_client(node, client, method)
                if found is not None and found.client is not None and found.client.ctor is None:
                    # Known only by a type hint: flow.py may find what the project passes for it.
                    found.receiver, found.method = receiver, method
                return found
            if len(tail) == 1 and self._own_method(receiver, method, env):
                return None  # self.get_embeddings() is this class's own method
            if method in self.k.shapes and not self._other_aws_service(receiver, env):
                sdk = self.k.sdks[self.k.shapes[method]]
                conf = Confidence.MEDIUM if len(tail) >= 2 else Confidence.LOW
                kind = "embed" if method in sdk.embedding_methods else "generate"
                via = f"call shape .{method} on an unresolved receiver"
                det = Detected(node, sdk, None, False, conf, via, kind, receiver)
                det.method = method
            elif method in _LC_METHODS and self._langchain_receiver(receiver, env):
                sdk = self.k.sdks["langchain_other"]
                via = f".{method}() on {ast.unparse(receiver)[:40]} in a LangChain module (by name)"
                det = Detected(node, sdk, None, False, Confidence.LOW, via, receiver=receiver)
            else:
                continue
            # One word is a weak shape: a project function of that name makes it the project's call.
            det.shape = method if len(tail) == 1 else None
            return det
        return None

    def _own_method(self, receiver: ast.expr, method: str, env: Env) -> bool:
        if not (isinstance(receiver, ast.Name) and receiver.id in ("self", "cls") and env.self_class):
            return False
        return any(
            f"{env.scope.module}.{c.name}.{method}" in env.scope.functions
            for c in self.clients.lineage(env.scope, env.self_class)
        )

    def _on_client(self, node: ast.Call, client: ClientRef, method: str) -> Detected | None:
        # A name bound in several branches: the worst candidate whose SDK has this method.
        for c in (client, *client.alternatives):
            if method in c.sdk.methods:
                return Detected(node, c.sdk, c, False, c.confidence, c.via)
            if method in c.sdk.embedding_methods:
                return Detected(node, c.sdk, c, False, c.confidence, c.via, "embed")
        return None

    def _other_aws_service(self, receiver: ast.expr, env: Env) -> bool:
        # boto3.client("s3").converse is not Bedrock: the service name rules the shape out.
        target = deref(receiver, env)
        if (
            isinstance(target, ast.Call)
            and isinstance(target.func, ast.Attribute)
            and target.func.attr == "client"
        ):
            service = service_name(target)
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
        named = next((n for n in _names_in(url, env) if _ENDPOINT_NAME.search(n)), None) if url else None
        if named is not None:
            # Only a name that says it generates makes the call a generation (an output bound applies).
            kind = "generate" if re.search(r"(?i)chat|complet|generat|llm", named) else "embed"
            return Detected(
                node,
                sdk,
                None,
                True,
                Confidence.LOW,
                f"HTTP POST to {named} (named as an LLM endpoint)",
                kind,
            )
        return None


def _rank(res: Resolved) -> tuple[float, bool]:
    return badness(res.timeout), res.attempts.state in (SET, DEFAULT)


def _callables(expr: ast.expr, env: Env) -> list[tuple[ast.expr, ast.Call | None]]:
    """What calling `expr` may call: both arms of `a if c else b`, each of `a or b`, and the function
    of `functools.partial(f, **kw)` (with the partial call, whose keywords the call also sends)."""
    if isinstance(expr, (ast.IfExp, ast.BoolOp)):
        return [c for v in arms(expr, env) for c in _callables(v, env)]
    if isinstance(expr, ast.Call) and expr.args and env.scope.dotted(expr.func) == "functools.partial":
        return [(target, expr) for target, _ in _callables(expr.args[0], env)]
    if isinstance(expr, (ast.Attribute, ast.Name)):
        return [(expr, None)]
    return []


def _holds_callable(value: ast.expr, env: Env) -> bool:
    """A value `_callables` can follow (not a computed result such as `x + 1` or `f(x)`)."""
    if isinstance(value, ast.Call):
        return env.scope.dotted(value.func) == "functools.partial"
    return isinstance(value, (ast.Attribute, ast.Name, ast.IfExp, ast.BoolOp))


def _same(a: ast.expr, b: ast.expr) -> bool:
    if isinstance(a, ast.Name) and isinstance(b, ast.Name):
        return a.id == b.id
    return a is b


def _receiver(func: ast.Attribute, names: int) -> ast.expr:
    """The expression a method tail of `names` attributes is called on, skipping response views."""
    node: ast.expr = func
    while names > 0 or (isinstance(node, ast.Attribute) and node.attr in _RESPONSE_VIEWS):
        assert isinstance(node, ast.Attribute)
        if node.attr not in _RESPONSE_VIEWS:
            names -= 1
        node = node.value
    return node


def _names_in(expr: ast.expr, env: Env) -> list[str]:
    """Identifiers a URL expression is built from, one binding deep (target_url = f"{self.endpoint}")."""
    out: list[str] = []
    for sub in ast.walk(expr):
        if isinstance(sub, ast.Name):
            out.append(sub.id)
            bound = deref(sub, env)
            if bound is not sub:
                out += [
                    n.attr if isinstance(n, ast.Attribute) else n.id
                    for n in ast.walk(bound)
                    if isinstance(n, (ast.Attribute, ast.Name))
                ]
        elif isinstance(sub, ast.Attribute):
            out.append(sub.attr)
    return out


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
