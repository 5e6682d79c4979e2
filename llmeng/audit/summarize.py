"""Everything the audit needs from one file, as a picklable FileSummary (runs in worker processes)."""

from __future__ import annotations

import ast
import re
import warnings

from llmeng.audit.knowledge import Knowledge
from llmeng.audit.model import CallSite, FileSummary, FuncSummary
from llmeng.audit.refs import Refs
from llmeng.audit.resolve import Resolver
from llmeng.audit.scope import ModuleScope, build_scope, module_name
from llmeng.audit.secrets import find_secrets
from llmeng.audit.signals import collect
from llmeng.audit.taint import FileTaint, system_taint
from llmeng.audit.walk import Found, Walker

# A file that mentions none of these (lower-cased) cannot hold an LLM call we know how to resolve, so
# it is not parsed unless a later pass needs its call-graph edges (see engine.py).
LLM_HINTS = (
    "openai",
    "anthropic",
    "litellm",
    "genai",
    "mistral",
    "cohere",
    "groq",
    "ollama",
    "langchain",
    "llama_index",
    "bedrock",
    # SDKs whose defaults come from sdk_defaults.toml (sdks.toml constructors)
    "together",
    "fireworks",
    "cerebras",
    "zhipuai",
    "huggingface_hub",
    "haystack",
    "completions.create",
    "messages.create",
    "generate_content",
    "chatcompletion",
    "chat.complete",
    "invoke_model",
    "converse",
)
_SUPPRESS = re.compile(r"#\s*llmeng:\s*ignore(?:\[([A-Za-z0-9_, ]+)\])?")
_USER_KWARGS = frozenset(
    {"messages", "prompt", "input", "contents", "content", "text", "query", "message", "inputs", "question"}
)


def summarize(path: str, text: str, knowledge: Knowledge, *, force: bool = False) -> FileSummary:
    """The summary of one file; `force` parses it even when no hint says it matters."""
    lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    base = {
        "path": path,
        "lines": lines,
        "secrets": tuple(find_secrets(text)),
        "suppressions": suppressions(text) if "llmeng:" in text else {},
    }
    signals, litellm = collect(text, path)
    base.update(signals=signals, globals=litellm)
    lowered = text.lower()
    if not force and not any(h in lowered for h in _hints(knowledge)):
        return FileSummary(**base)  # type: ignore[arg-type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for invalid escapes is not our business
            tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as e:
        where = f"line {e.lineno}: " if isinstance(e, SyntaxError) and e.lineno else ""
        return FileSummary(**base, parse_error=f"{where}{type(e).__name__}: {e}")  # type: ignore[arg-type]
    try:
        return _analysed(path, tree, knowledge, base)
    except RecursionError:
        # Parsed, but nested deeper than the analysis can follow (ast.unparse and the resolver recurse):
        # the file gets a note and the run goes on. It used to end the whole audit (issue 13).
        reason = "RecursionError: the code nests too deeply to analyse"
        return FileSummary(**base, parse_error=reason)  # type: ignore[arg-type]


def _analysed(path: str, tree: ast.Module, knowledge: Knowledge, base: dict[str, object]) -> FileSummary:
    scope = build_scope(tree, module_name(path))
    resolver = Resolver(knowledge)
    walker = Walker(scope, resolver)
    walker.run(tree)
    # Candidates (pending) are mostly dropped by flow.py: following their output would cost more than
    # the rest of the file's analysis.
    calls = {id(f.det.node) for f in walker.found if not f.det.pending}
    sinks = FileTaint(scope, calls).run(tree) if calls and walker.has_sink else {}
    refs = Refs(scope, resolver, walker.constructions, walker.handing)
    sites = tuple(s for f in walker.found if (s := _site(path, f, resolver, sinks, walker, refs)) is not None)
    funcs = tuple(
        FuncSummary(w.key, path, _line(scope, w.key), w.decorators, w.ctx, w.wraps, tuple(w.edges))
        for w in walker.funcs
    )
    return FileSummary(**base, sites=sites, functions=funcs, flow=refs.facts())  # type: ignore[arg-type]


def _hints(knowledge: Knowledge) -> tuple[str, ...]:
    """LLM_HINTS, plus the top-level package of every constructor and function the knowledge names and
    its distinctive shapes: a library added to sdks.toml is parsed without a code change."""
    cached = _HINTS.get(id(knowledge))
    if cached is not None and cached[0] is knowledge:
        return cached[1]
    service = {c for sdk in knowledge.sdks.values() if sdk.service for c in sdk.constructors}
    names = [
        *(c for c in knowledge.ctor_index if c not in service),
        *knowledge.function_index,
        *(g[0] for g in knowledge.ctor_globs),
        *(s.rsplit(".", 1)[-1] for s in knowledge.shapes if "_" in s),
    ]
    # A name an existing hint already finds adds nothing (google.genai.Client: "genai").
    extra = {_package(n) for n in names if not any(h in n.lower() for h in LLM_HINTS)}
    hints = (*LLM_HINTS, *sorted(extra))
    _HINTS.clear()  # one knowledge per audit: keep the latest only
    _HINTS[id(knowledge)] = (knowledge, hints)
    return hints


_HINTS: dict[int, tuple[Knowledge, tuple[str, ...]]] = {}
_NAMESPACES = ("google.", "azure.")


def _package(dotted: str) -> str:
    parts = dotted.lower().split(".")
    return ".".join(parts[:2] if dotted.lower().startswith(_NAMESPACES) else parts[:1]).rstrip("*")


def _site(
    path: str,
    found: Found,
    resolver: Resolver,
    sinks: dict[int, tuple[str, bool]],
    walker: Walker,
    refs: Refs,
) -> CallSite | None:
    det, env = found.det, found.env
    node = det.node
    receiver = refs.of(det.receiver, env) if det.receiver is not None else ()
    if det.pending and not receiver:
        return None  # nothing names what the receiver holds: an ordinary method call
    res = resolver.settings(det, env)
    sink = sinks.get(id(node))
    callee = ast.unparse(node.func)
    return CallSite(
        path=path,
        line=node.lineno,
        end_line=node.end_lineno or node.lineno,
        col=node.col_offset + 1,
        function=found.function,
        call=callee if len(callee) <= 80 else callee[:77] + "...",
        sdk=det.sdk.key,
        provider=det.sdk.provider,
        confidence=det.confidence,
        via=det.via,
        timeout=res.timeout,
        attempts=res.attempts,
        max_tokens=res.max_tokens,
        model=res.model,
        kind=det.kind,
        ctx=found.ctx,
        client_retry_wrapper=res.retry_wrapper,
        client_fallback=res.fallback,
        client_rate_limit=res.rate_limit,
        system_taint=system_taint(node, env.scope, env.func),
        output_sink=sink[0] if sink else None,
        sink_guarded=bool(sink and sink[1]),
        user_data=_user_data(node),
        wrapper=walker.wrapper_of(det.wrapper, env) if det.wrapper is not None else None,
        receiver=receiver,
        pending=det.pending,
        method=det.method or det.pending,
        shape=det.shape,
    )


def _user_data(node: ast.Call) -> bool:
    values = [*node.args, *(k.value for k in node.keywords if k.arg in _USER_KWARGS or k.arg is None)]
    return any(not isinstance(v, ast.Constant) for v in values)


def _line(scope: ModuleScope, key: str) -> int:
    info = scope.functions.get(key)
    return info.node.lineno if info else 1


def suppressions(text: str) -> dict[int, frozenset[str]]:
    """Line -> rule ids suppressed there by `# llmeng: ignore[...]` (empty set: every rule)."""
    out: dict[int, frozenset[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        m = _SUPPRESS.search(line)
        if m:
            ids = m.group(1) or ""
            out[number] = frozenset(i.strip().upper() for i in ids.split(",") if i.strip())
    return out
