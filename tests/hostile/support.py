"""What every hostile case asserts, in one place: an answer (no crash), in time (no hang), in the
documented shape (exit 0/1/2 with `error:`/`fix:`, or an MCP result or tool error that names the fix).

The CLI runs two ways: `python -m llmeng` in a subprocess for the fixed cases (the real entry point,
its real exit code and stderr), and `main([...])` in-process for the generated ones (hundreds of
examples cannot each pay for an interpreter). MCP tools run over the SDK's in-memory client.
Each case gets CASE_DEADLINE_S (pyproject's pytest-timeout of 600 s guards the whole test): the
cases take about a second at most on a busy machine, a hang never ends, and the runaway reads
issue 13 found (/dev/zero, a FIFO) ran for 40 s and more.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from unittest import mock

import anyio
import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings
from mcp import Client, MCPError
from mcp.server.mcpserver import MCPServer

from llmeng.cli import main
from mcp_server.server import INVALID_PARAMS, create_server

CASE_DEADLINE_S = 10.0
EXIT_CODES = frozenset({0, 1, 2})  # README: 0 clean, 1 findings/errors, 2 usage or I/O error

# Deterministic in CI: the same examples every run, no example database, no wall-clock deadline
# (the per-case guard below is the time limit, and it holds on a busy machine too).
HOSTILE = settings(
    max_examples=12,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

KNOWN_FINDING = (
    "from openai import OpenAI\n"
    "OpenAI(timeout=None).chat.completions.create(model='gpt-4o', messages=[])  # LLM101 on line 2\n"
)
GOOD_AGENT = (
    "---\nname: reviewer\ndescription: Reviews diffs for bugs.\ntools: Read, Grep\n---\nYou review diffs.\n"
)

T = TypeVar("T")


class Hang(AssertionError):
    pass


def bounded(what: str, fn: Callable[..., T], *args: Any, seconds: float = CASE_DEADLINE_S) -> T:
    """`fn(*args)`, run in a thread so that a hang fails the case instead of the whole run."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn(*args)
        except BaseException as e:  # noqa: BLE001  handed back to the test's thread below
            box["error"] = e

    thread = threading.Thread(target=target, name=f"hostile: {what}", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise Hang(f"{what}: no answer within {seconds} s")
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


# ---- the CLI ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ran:
    argv: tuple[str, ...]
    code: int
    out: str
    err: str

    def clean(self, codes: frozenset[int] = EXIT_CODES) -> Ran:
        """Assert the documented shape: an allowed exit code, no traceback, a fix with every error."""
        said = f"{self.argv}: exit {self.code}\n--- stdout\n{self.out[:2000]}\n--- stderr\n{self.err[:2000]}"
        assert self.code in codes, said
        assert "Traceback" not in self.out + self.err, said
        if self.code == 2:
            assert ("error:" in self.err and "fix:" in self.err) or "Usage:" in self.err, said
        return self


def llmeng(*argv: str, cwd: Path, env: Mapping[str, str] | None = None, stdin: bytes = b"") -> Ran:
    """`python -m llmeng ARGV` in `cwd`, with a HOME of its own beside it, killed at the deadline."""
    full = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE", "LLMENG"))}
    full.update({"HOME": str(_home_beside(cwd)), **(env or {})})
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "llmeng", *argv],
            cwd=cwd,
            env=full,
            input=stdin,
            capture_output=True,
            timeout=CASE_DEADLINE_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise Hang(f"llmeng {' '.join(argv)}: no answer within {CASE_DEADLINE_S} s") from None
    return Ran(tuple(argv), proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode())


def llmeng_here(*argv: str, cwd: Path, env: Mapping[str, str] | None = None, stdin: bytes = b"") -> Ran:
    """`main(argv)` in this process, as `llmeng` runs it: in `cwd`, with its own stdio and HOME."""
    overrides: dict[str, str | None] = {k: None for k in os.environ if k.startswith(("CLAUDE", "LLMENG"))}
    overrides.update({"HOME": str(_home_beside(cwd)), **(env or {})})
    before = os.getcwd()
    os.chdir(cwd)
    try:
        with CliRunner().isolation(input=stdin, env=overrides) as (out, err, _):
            code = bounded(f"llmeng {' '.join(argv)}", main, list(argv))
            return Ran(tuple(argv), code, out.getvalue().decode(errors="replace"), err.getvalue().decode())
    finally:
        os.chdir(before)


def _home_beside(cwd: Path) -> Path:
    home = cwd.parent / f"{cwd.name}-home"
    home.mkdir(exist_ok=True)
    return home


# ---- the MCP server --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    name: str
    arguments: Any
    result: Any = None  # CallToolResult
    protocol_error: int | None = None

    @property
    def text(self) -> str:
        return "" if self.result is None else " ".join(getattr(b, "text", "") for b in self.result.content)

    @property
    def ok(self) -> bool:
        return self.result is not None and not self.result.is_error

    @property
    def data(self) -> Any:
        assert self.ok, self.text
        return self.result.structured_content


async def _call(server: MCPServer, name: str, arguments: Any) -> Answer:
    # raise_exceptions: an exception that escapes the server's handlers fails the test with its own
    # traceback (one inside a tool the SDK turns into the bare "Error executing tool <name>").
    async with Client(server, mode="auto", raise_exceptions=True) as client:
        try:
            result = await client.call_tool(name, arguments)
        except MCPError as e:
            return Answer(name, arguments, protocol_error=e.error.code)
        schema = next((t.output_schema for t in (await client.list_tools()).tools if t.name == name), None)
    if not result.is_error and schema is not None:
        jsonschema.validate(result.structured_content, schema)
    return Answer(name, arguments, result)


def call_tool(server: MCPServer, name: str, arguments: Any) -> Answer:
    """One tool call on a fresh in-memory session: a result, a tool error that names the problem, or
    the protocol's invalid-params error; never a crash, never a hang."""
    answer = bounded(f"MCP {name}", anyio.run, _call, server, name, arguments)
    said = f"{name}({_short(arguments)}) -> {answer.text[:600]!r}"
    if answer.protocol_error is not None:
        assert answer.protocol_error == INVALID_PARAMS, said
        return answer
    assert "Traceback" not in answer.text, said
    if answer.result.is_error:
        # The SDK's bare "Error executing tool <name>" is what an unexpected exception becomes.
        prefix = f"Error executing tool {name}: "
        assert answer.text.startswith(prefix), said
        assert " Fix: " in answer.text or "validation error" in answer.text, said
    else:
        assert answer.result.structured_content is not None, said
    return answer


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 300 else text[:300] + f"... ({len(text)} chars)"


@contextmanager
def mcp_project() -> Iterator[tuple[Path, MCPServer]]:
    """A fresh project root, a server for it, and a HOME of its own (validate_agents reads ~/.claude)."""
    with tempfile.TemporaryDirectory(prefix="llmeng-hostile-") as tmp:
        root, home = Path(tmp, "project"), Path(tmp, "home")
        root.mkdir()
        home.mkdir()
        with mock.patch.dict(os.environ, {"HOME": str(home)}):
            yield root, create_server(root)


# ---- files a hostile user leaves lying around -------------------------------------------------------


def fifo(path: Path) -> Path:
    if not hasattr(os, "mkfifo"):  # pragma: no cover  (Windows has no FIFOs)
        pytest.skip("this OS cannot make a FIFO")
    os.mkfifo(path)
    return path


def device_link(path: Path) -> Path:
    if not os.path.exists("/dev/zero"):  # pragma: no cover  (Windows has no /dev/zero)
        pytest.skip("this OS has no /dev/zero")
    path.symlink_to("/dev/zero")
    return path


def unix_socket(path: Path) -> Path:
    """A unix socket's file at `path` (bound from `path`'s folder: a long tmp path would not fit)."""
    if not hasattr(socket, "AF_UNIX"):  # pragma: no cover  (no AF_UNIX on this platform)
        pytest.skip("this OS has no unix sockets")
    code = "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])"
    subprocess.run([sys.executable, "-c", code, path.name], cwd=path.parent, check=True, timeout=60)
    return path


def sparse(path: Path, size: int, head: bytes = b"") -> Path:
    """A file of `size` bytes that takes no disk: `head`, then zeros."""
    with path.open("wb") as f:
        f.write(head)
        f.truncate(size)
    return path


def special_files(folder: Path, suffix: str, *, outside: Path) -> dict[str, str]:
    """A FIFO, a device link, a socket, a dangling link and a link out of the tree, named *`suffix`.

    Returns name -> what the report must say about it. `outside` is a file outside `folder`'s root.
    """
    fifo(folder / f"pipe{suffix}")
    device_link(folder / f"zero{suffix}")
    unix_socket(folder / f"sock{suffix}")
    (folder / f"dangling{suffix}").symlink_to(folder / f"nowhere{suffix}")
    (folder / f"escape{suffix}").symlink_to(outside)
    return {
        f"pipe{suffix}": "FIFO",
        f"zero{suffix}": "device",
        f"sock{suffix}": "socket",
        f"dangling{suffix}": "dangling",
        f"escape{suffix}": "outside",
    }
