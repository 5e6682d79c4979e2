"""Every MCP tool under generated arguments, and the stdio server under generated lines (issue 13).

tests/mcp_server/test_mcp_stdio_guard.py holds the fixed malformed lines issue 13 lists (invalid
JSON, `{}`, `[]`, a batch, `jsonrpc: "1.0"`, `params: "x"`, 500-deep arguments, ...) and
tests/mcp_server/test_mcp_fuzz.py a seeded random walk; this module adds hypothesis on both:
wrong types, huge strings, lone surrogates and deep nesting to each tool through the in-memory
client, and lines of any shape to the real stdio server, each answered in time. A wide `--host`
without an allow-list and a token is refused before serving: tests/mcp_server/test_mcp_http_security.py.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import mcp_types as types
import pytest
from hypothesis import example, given, reject, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from llmeng.sessions.store import SessionContext, start_session

from .support import (
    CASE_DEADLINE_S,
    GOOD_AGENT,
    HOSTILE,
    KNOWN_FINDING,
    Hang,
    call_tool,
    fifo,
    llmeng_here,
    mcp_project,
)

TOOLS = ("audit", "select_model", "session_append", "usage_report", "validate_agents")
PATHS = [
    "",
    ".",
    "..",
    "../..",
    "/",
    "/etc/passwd",
    "src",
    "src/app.py",
    "src/pipe.py",
    "escape.py",
    "agents",
    "agents/reviewer.md",
    ".claude/sessions",
    "a\x00b",
    "-rf",
    "~",
    "$HOME",
    "\\\\server\\share",
]


def _nest(leaf: Any, depth: int, kind: str) -> Any:
    for _ in range(depth):
        leaf = [leaf] if kind == "list" else {"k": leaf}
    return leaf


HUGE = st.builds(
    lambda unit, n: unit * n,
    st.sampled_from(["a", "é", "/", "../", "\x00", "\ud800", "[", "x+"]),
    st.sampled_from([1, 64, 65, 4096, 4097, 262_144, 262_145, 1_000_001]),
)
WORDS = ["LLM101", "llm101", "AG205", "critical", "llm-architect", "openai", "anthropic", "coding", "x" * 64]
CODE = [KNOWN_FINDING, "import openai\nx = " + "+".join(["1"] * 5000), "import openai\ndef f(:", "\x00"]
STRINGS = st.one_of(
    st.text(max_size=100), st.sampled_from(PATHS), HUGE, st.sampled_from(WORDS), st.sampled_from(CODE)
)
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers() | st.sampled_from([10**40, -(2**63), 2**63]),
    st.floats(),
    STRINGS,
)
# The in-memory client cannot serialise much past 250 levels; deeper nesting is sent raw below.
VALUES = st.one_of(
    LEAVES,
    st.recursive(
        LEAVES, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(STRINGS, kids, max_size=4)
    ),
    st.builds(_nest, LEAVES, st.integers(1, 200), st.sampled_from(["list", "dict"])),
    st.lists(STRINGS, min_size=49, max_size=120),
)


def _typed(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values of the type `schema` asks for, hostile within it (huge, empty, odd, out of range)."""
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "anyOf" in schema:
        return st.one_of([_typed(option) for option in schema["anyOf"]])
    kind = schema.get("type")
    if kind == "array":
        return st.lists(_typed(schema.get("items", {})), max_size=schema.get("maxItems", 5) + 1)
    return {
        "string": STRINGS,
        "integer": st.integers(-5, 10**7) | st.sampled_from([0, -1, 10**40]),
        "number": st.floats(allow_nan=False) | st.sampled_from([0.0, 1.0, 1e308]),
        "boolean": st.booleans(),
        "null": st.none(),
    }.get(kind, VALUES)


@st.composite
def arguments(draw: st.DrawFn, schema: dict[str, Any]) -> dict[str, Any]:
    """Some of the tool's own keys: in half the calls each with a value of its type (so the tool body
    runs), in the other half with anything at all, and then and again a stranger."""
    typed = draw(st.booleans())
    args: dict[str, Any] = {}
    for key, prop in schema["properties"].items():
        if (typed and key in schema.get("required", ())) or draw(st.booleans()):
            args[key] = draw(_typed(prop) if typed else _typed(prop) | VALUES)
    if not typed and draw(st.booleans()):
        args[draw(STRINGS)] = draw(VALUES)
    return args


@pytest.fixture(scope="module")
def schemas() -> dict[str, dict[str, Any]]:
    import anyio
    from mcp import Client

    async def listed() -> dict[str, dict[str, Any]]:
        with mcp_project() as (_, server):
            async with Client(server, mode="auto") as client:
                return {t.name: t.input_schema for t in (await client.list_tools()).tools}

    return anyio.run(listed)


def _seed(root: Path) -> None:
    """A project worth pointing at: code with a finding, an agent, an active session, a FIFO, a link out."""
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text(KNOWN_FINDING)
    fifo(root / "src" / "pipe.py")
    (root / "agents").mkdir()
    (root / "agents" / "reviewer.md").write_text(GOOD_AGENT)
    (root / "escape.py").symlink_to("/etc/passwd")
    start_session(root, "fuzz", now=datetime.now(UTC), context=SessionContext(str(root), None))


def test_the_tool_list_is_what_this_module_fuzzes(schemas: dict[str, dict[str, Any]]) -> None:
    assert tuple(sorted(schemas)) == TOOLS


# A select_model call that succeeds ranks every model (~0.4 s); the others answer in milliseconds.
EXAMPLES = {"select_model": 8, "audit": 25, "session_append": 25, "usage_report": 25, "validate_agents": 25}


@pytest.mark.parametrize("tool", TOOLS)
def test_generated_arguments_get_a_result_or_a_structured_error(
    tool: str, schemas: dict[str, dict[str, Any]]
) -> None:
    @settings(HOSTILE, max_examples=EXAMPLES.get(tool, HOSTILE.max_examples))
    @example(args={"path": "a" * 4097, "code": "\ud800", "rules": ["LLM101"] * 51, "agent": None})
    @example(args={"report": "x" * 262_145, "agent": "a" * 65, "providers": [[[]]], "limit": 10**40})
    @given(args=arguments(schemas[tool]))
    def run(args: dict[str, Any]) -> None:
        try:  # what the client itself cannot encode (a lone surrogate in a key, ~250 levels) never leaves it
            TypeAdapter(Any).dump_python(args, mode="json")
        except (ValueError, UnicodeError):
            reject()
        answer = call_tool(server, tool, args)
        if tool == "audit" and answer.ok:
            assert all(not f["path"].startswith(("/", "..")) for f in answer.data["findings"]), answer.data

    with mcp_project() as (root, server):
        _seed(root)
        run()


def test_text_that_is_not_utf8_reaches_the_client_as_replacement_characters() -> None:
    # A file name that is not UTF-8 (os.walk hands it over with surrogate escapes) and `\\ud800` escapes
    # in Python and in YAML: pydantic cannot encode a lone surrogate as JSON, and every tool that echoed
    # one answered only "Error executing tool <name>".
    with mcp_project() as (root, server):
        (root / "src").mkdir()
        call = "OpenAI(timeout=None).chat.completions.create(model='\\ud800x', messages=[])\n"
        source = "from openai import OpenAI\n" + call
        with open(os.fsencode(root / "src") + b"/caf\xe9.py", "w") as f:
            f.write(source)
        (root / "agents").mkdir()
        (root / "agents" / "odd.md").write_text(
            '---\nname: "odd\\ud800"\ndescription: "d\\udcff"\n---\nBody\n'
        )
        audited = call_tool(server, "audit", {"path": "src"}).data
        assert {f["path"] for f in audited["findings"]} == {"src/caf\ufffd.py"}
        assert "\ufffdx" in json.dumps(audited, ensure_ascii=False)
        assert call_tool(server, "audit", {"code": source}).ok
        validated = call_tool(server, "validate_agents", {"path": "agents"}).data
        assert validated["summary"]["files"] == 1
        for argv in (("audit", "src", "--format", "json"), ("validate", "agents", "--format", "json")):
            json.loads(llmeng_here(*argv, cwd=root).clean(frozenset({0, 1})).out)


# ---- raw lines on the stdio server -----------------------------------------------------------------


class StdioServer:
    """`python -m mcp_server` on pipes, initialised; `answers(line)` sends one line and a ping."""

    def __init__(self, root: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE", "LLMENG"))}
        env["HOME"] = str(root)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mcp_server", "--root", str(root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        assert self.proc.stdout is not None
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.proc.stdout, selectors.EVENT_READ)
        self.next_id = 1_000_000
        self.pending = b""
        init = {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "1"},
        }
        self._send(json.dumps({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": init}).encode())
        assert "result" in self._read(60.0)  # start-up on a busy machine is not what is measured here
        self._send(b'{"jsonrpc": "2.0", "method": "notifications/initialized"}')

    def _send(self, line: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + b"\n")
        self.proc.stdin.flush()

    def _read(self, seconds: float = CASE_DEADLINE_S) -> dict[str, Any]:
        # os.read and a buffer of our own: a buffered readline would take two answers off the pipe
        # at once, and select() would then wait for the second one in vain.
        assert self.proc.stdout is not None
        deadline = time.monotonic() + seconds
        while b"\n" not in self.pending:
            if not self.selector.select(max(deadline - time.monotonic(), 0)):
                raise Hang(f"the stdio server sent nothing within {seconds} s")
            chunk = os.read(self.proc.stdout.fileno(), 1 << 16)
            assert chunk, "the stdio server closed its output (it died)"
            self.pending += chunk
        line, _, self.pending = self.pending.partition(b"\n")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def answers(self, line: bytes, request_id: int | None) -> list[dict[str, Any]]:
        """What the server sends for `line` (a request with `request_id`, or garbage), read until that
        answer and the answer to a ping sent behind it are in: requests run concurrently, so either
        may come first."""
        self.next_id += 1
        self._send(line)
        self._send(json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": "ping"}).encode())
        got: list[dict[str, Any]] = []
        pinged = False
        while not (pinged and any(a.get("id") in (request_id, None) for a in got)):
            try:
                answer = self._read()
            except Hang as e:
                raise Hang(
                    f"{e}, after {line[:300]!r} (answers so far: {got}, ping answered: {pinged})"
                ) from None
            if answer.get("id") == self.next_id:
                pinged = True
            else:
                got.append(answer)
        return got

    def fresh_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


@pytest.fixture(scope="module")
def stdio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StdioServer]:
    root = tmp_path_factory.mktemp("stdio-project")
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text(KNOWN_FINDING)
    server = StdioServer(root)
    yield server
    server.close()


DEEP = "<deep>"
ID = "<id>"


def _deepen(raw: bytes, depth: int) -> bytes:
    """`raw` with its DEEP placeholder as arguments nested `depth` levels (json.dumps would recurse)."""
    return raw.replace(json.dumps(DEEP).encode(), b'{"k": ' * depth + b"1" + b"}" * depth)


GARBAGE = st.binary(min_size=1, max_size=300).filter(
    lambda b: b"\n" not in b and b"\r" not in b and b.strip()
)
METHODS = ["tools/call", "tools/list", "ping", "resources/list", "resources/read", "prompts/list", "nope", ""]


@st.composite
def requests(draw: st.DrawFn) -> bytes:
    """A request (it must get exactly one answer, with its id): any method, any params, any depth.
    Its id is the placeholder ID, replaced by a fresh one when it is sent."""
    method = draw(st.sampled_from(METHODS))
    depth = None
    if method == "tools/call":
        name = draw(st.sampled_from([*TOOLS, "nope", ""]))
        depth = draw(st.none() | st.integers(60, 50_000))
        params: Any = {"name": name, "arguments": DEEP if depth else draw(VALUES)}
    elif method == "resources/read":
        params = {
            "uri": draw(
                st.sampled_from(
                    [
                        "llmeng://session/active",
                        "llmeng://models/sources",
                        "llmeng://x",
                        "file:///etc/passwd",
                        "",
                    ]
                )
            )
        }
    else:
        params = draw(st.none() | VALUES)
    message: dict[str, Any] = {"jsonrpc": "2.0", "id": ID, "method": method}
    if params is not None:
        message["params"] = params
    raw = json.dumps(message, allow_nan=True).encode("utf-8", "surrogatepass")
    return _deepen(raw, depth) if depth else raw


@settings(HOSTILE, max_examples=40)  # a line costs milliseconds on the running server
@example(
    line=b'{"jsonrpc": "2.0", "id": "<id>", "method": "tools/call", "params": {"name": "audit", "arguments": {"code": "\\ud800"}}}'
)
@example(
    line=_deepen(
        json.dumps(
            {
                "jsonrpc": "2.0",
                "id": ID,
                "method": "tools/call",
                "params": {"name": "audit", "arguments": DEEP},
            }
        ).encode(),
        50_000,
    )
)
@example(
    line=b'{"jsonrpc": "2.0", "id": "<id>", "method": "tools/call", "params": {"name": "audit", "arguments": null}}'
)
@given(line=requests() | GARBAGE)
def test_every_line_on_stdio_gets_its_one_answer_in_time(stdio: StdioServer, line: bytes) -> None:
    placeholder = json.dumps(ID).encode()
    request_id = stdio.fresh_id() if placeholder in line else None
    line = line.replace(placeholder, str(request_id).encode())
    got = stdio.answers(line, request_id)
    assert len(got) == 1, (line[:300], got)
    [answer] = got
    if answer["id"] is None:  # the spec's answer when the line does not parse (e.g. a lone surrogate)
        assert answer["error"]["code"] in (types.PARSE_ERROR, types.INVALID_REQUEST), answer
    else:
        assert answer["id"] == request_id, (line[:300], answer)
    if "error" in answer:
        assert (
            answer["error"]["code"]
            in (types.PARSE_ERROR, types.INVALID_REQUEST, types.METHOD_NOT_FOUND, types.INVALID_PARAMS)
            and answer["error"]["message"]
        ), answer
    else:
        result = answer["result"]
        if isinstance(result, dict) and result.get("isError"):
            text = " ".join(c.get("text", "") for c in result.get("content", []))
            assert text.startswith("Error executing tool ") and (
                "Fix:" in text or "validation error" in text
            ), text
