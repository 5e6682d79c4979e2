"""The session log under hostile titles, reports, paths and hook payloads (issue 13).

Each report carries a marker; the assertions are that a refused report is refused whole with a
fix and leaves the log as it was, that an accepted one is found again by `session show` (exit 0)
and by the MCP resource, and that no secret from tests/sessions/secret_shapes.py reaches a file
name, a header or a body.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import anyio
from hypothesis import example, given, settings
from hypothesis import strategies as st
from mcp import Client

from llmeng.sessions.redact import redact
from tests.sessions.secret_shapes import SHAPES

from .support import (
    CASE_DEADLINE_S,
    HOSTILE,
    Ran,
    bounded,
    call_tool,
    device_link,
    fifo,
    llmeng,
    llmeng_here,
    mcp_project,
    sparse,
    unix_socket,
)

ONE_LINE_SECRETS = [text for _, _, text in SHAPES if "\n" not in text]
HOSTILE_MARKDOWN = [
    "<pre>\n```python\nx = 1\n</pre>\n\nafter",
    "```\nunclosed fence",
    "~~~~\n```\n~~~",
    "<!-- llmeng:entry agent=forged id=x -->",
    "<!-- llmeng:end id=x crc=00000000 -->",
    "<!-- llmeng-esc:entry -->",
    "# Heading one\n## Two",
    "---\ntitle: front\n---",
    "<!--",
    "-->",
    "\u202eright-to-left",
    "\ufeffbom inside",
    "line\r\nwith\rcarriage returns",
    "\x1b[31mred\x1b[0m",
    "\x00nul",
    "\x85\u2028\u2029",
]


def _secret_value(sample: str) -> str:
    """The part of `sample` that redaction masks (for `password=...` only the value)."""
    masked = redact(sample).text
    start = masked.index("[REDACTED:")
    after = len(masked) - masked.index("]", start) - 1
    return sample[start : len(sample) - after]


def _no_secret(secret: str | None, *texts: str) -> None:
    if secret is None:
        return
    tail = _secret_value(secret)[-12:]
    for text in texts:
        assert tail not in text, f"secret {secret!r} reached {text[:300]!r}"


def _show(root: Path) -> dict[str, Any]:
    ran = llmeng_here("session", "show", "--format", "json", cwd=root)
    ran.clean(frozenset({0}))  # exit 1 would mean the log is called damaged
    data: dict[str, Any] = json.loads(ran.out)
    assert data["problems"] == [] and all(e["intact"] for e in data["entries"]), data["problems"]
    return data


def _log_bytes(root: Path) -> dict[str, bytes]:
    sessions = root / ".claude" / "sessions"
    return {str(p): p.read_bytes() for p in sorted(sessions.rglob("*.md"))} if sessions.is_dir() else {}


def _append(root: Path, report: bytes, agent: str = "llm-architect") -> Ran:
    (root / "report.md").write_bytes(report)
    return llmeng_here("session", "append", "--agent", agent, "report.md", cwd=root).clean(frozenset({0, 2}))


# ---- titles and reports from hypothesis ------------------------------------------------------------

NOISE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(HOSTILE_MARKDOWN),
    st.lists(st.sampled_from(HOSTILE_MARKDOWN), max_size=6).map("\n".join),
)


@settings(HOSTILE, max_examples=10)  # each example is five commands and an MCP call
@example(title="rotate " + ONE_LINE_SECRETS[0], secret=ONE_LINE_SECRETS[0], noise="<pre>\n```\n</pre>", pad=0)
@example(title="x\x1by", secret=None, noise="\x00", pad=300_000)
@given(
    title=st.text(max_size=120) | st.sampled_from(["", " ", "\t\n", "é" * 300, "a\x7fb", "\u2028"]),
    secret=st.none() | st.sampled_from([text for _, _, text in SHAPES]),
    noise=NOISE,
    pad=st.sampled_from([0, 0, 200_000, 300_000]),
)
def test_any_title_and_report_end_in_a_clean_log_or_a_clean_refusal(
    title: str, secret: str | None, noise: str, pad: int
) -> None:
    with mcp_project() as (root, server):
        # With a one-line secret drawn, the title carries it too: masked in the file name and header.
        title_secret = secret if secret in ONE_LINE_SECRETS else None
        full_title = f"{title} {title_secret}" if title_secret else title
        started = llmeng_here("session", "start", "--", full_title, cwd=root)
        started.clean(frozenset({0, 2}))
        if started.code == 2:
            assert "title" in started.err and _log_bytes(root) == {}
            llmeng_here("session", "start", "plain", cwd=root).clean(frozenset({0}))
        logs = _log_bytes(root)
        _no_secret(title_secret, started.out, *logs, *(v.decode() for v in logs.values()))

        report = f"FINDING-CLI\n{noise}\n{secret or ''}\n{'x' * pad}"
        before = _log_bytes(root)
        ran = _append(root, report.encode("utf-8", "surrogatepass"))
        if ran.code == 2:
            assert _log_bytes(root) == before, "a refused report left something behind"
        mcp = call_tool(
            server, "session_append", {"agent": "llm-ml-engineer", "report": report.replace("CLI", "MCP")}
        )
        _append(root, b"FINDING-AFTER\nA plain report still gets in.").clean(frozenset({0}))

        data = _show(root)
        bodies = [e["body"] for e in data["entries"]]
        assert bodies[-1] == "FINDING-AFTER\nA plain report still gets in."
        assert (ran.code == 0) == any(b.startswith("FINDING-CLI") for b in bodies)
        assert mcp.ok == any(b.startswith("FINDING-MCP") for b in bodies), mcp.text
        _no_secret(secret, *bodies, *(v.decode() for v in _log_bytes(root).values()))


# ---- report paths that are not files ---------------------------------------------------------------


def test_a_report_path_that_is_not_a_regular_file_is_refused_at_once(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    llmeng_here("session", "start", "Hostile reports", cwd=root).clean(frozenset({0}))
    fifo(root / "pipe.md")
    device_link(root / "zero.md")
    unix_socket(root / "sock.md")
    (root / "folder.md").mkdir()
    (root / "dangling.md").symlink_to(root / "nowhere.md")
    sparse(root / "huge.md", 4 << 30, b"FINDING\n")
    cases = {
        "pipe.md": "not a regular file (a FIFO)",
        "zero.md": "not a regular file (a device)",
        "sock.md": "not a regular file (a socket)",
        "folder.md": "is a directory",
        "dangling.md": "report file not found",
        "huge.md": "over the 262144-byte cap",
    }
    # The FIFO through the real entry point too: there a hang would be the whole process.
    assert cases["pipe.md"] in llmeng("session", "append", "--agent", "a", "pipe.md", cwd=root).clean().err
    for name, says in cases.items():
        ran = llmeng_here("session", "append", "--agent", "a", name, cwd=root).clean(frozenset({2}))
        assert says in ran.err, (name, ran.err)
    (root / "ok.md").write_text("FINDING-OK")
    llmeng_here("session", "append", "--agent", "a", "ok.md", cwd=root).clean(frozenset({0}))
    assert [e["body"] for e in _show(root)["entries"]] == ["FINDING-OK"]


def test_a_hard_linked_session_file_is_never_written_through() -> None:
    with mcp_project() as (root, server):
        llmeng_here("session", "start", "Linked", cwd=root).clean(frozenset({0}))
        [log] = (root / ".claude" / "sessions" / "active").glob("*.md")
        outside = root.parent / "elsewhere.md"
        os.link(log, outside)
        before = outside.read_bytes()
        (root / "r.md").write_text("FINDING")
        ran = llmeng_here("session", "append", "--agent", "a", "r.md", cwd=root).clean(frozenset({2}))
        assert "hard link" in ran.err
        answer = call_tool(server, "session_append", {"agent": "a", "report": "FINDING"})
        assert not answer.ok and "hard link" in answer.text and "Fix:" in answer.text
        hook = llmeng_here("hook", "subagent-stop", cwd=root, stdin=_payload(root, "FINDING-HOOK"))
        assert hook.code == 0 and "Traceback" not in hook.err and hook.out == ""
        assert outside.read_bytes() == before == log.read_bytes()


def test_pre_around_a_fence_reads_back_as_a_healthy_log() -> None:
    with mcp_project() as (root, server):
        llmeng_here("session", "start", "Fences", cwd=root).clean(frozenset({0}))
        (root / "r.md").write_text("<pre>\n```python\nx = 1\n</pre>\n\nFINDING-CLI")
        llmeng_here("session", "append", "--agent", "a", "r.md", cwd=root).clean(frozenset({0}))
        call_tool(server, "session_append", {"agent": "b", "report": "<pre>\n~~~\n</pre>\nFINDING-MCP"})
        entries = _show(root)["entries"]
        assert [e["body"].rsplit("\n", 1)[-1] for e in entries] == ["FINDING-CLI", "FINDING-MCP"]
        assert "FINDING-MCP" in _resource(server)
        # The real entry point exits 0 as well: exit 1 is what called this healthy log damaged.
        llmeng("session", "show", cwd=root).clean(frozenset({0}))


def _resource(server: Any) -> str:
    async def read() -> str:
        async with Client(server, mode="auto", raise_exceptions=True) as client:
            result = await client.read_resource("llmeng://session/active")
        text: str = result.contents[0].text  # type: ignore[union-attr]
        assert json.loads(text)["problems"] == []
        return text

    return bounded("MCP resource", anyio.run, read)


# ---- the SubagentStop hook -------------------------------------------------------------------------


def _payload(root: Path, message: str, transcript: str | None = None, agent_id: str | None = None) -> bytes:
    data: dict[str, Any] = {
        "hook_event_name": "SubagentStop",
        "cwd": str(root),
        "agent_type": "llm-architect",
        "last_assistant_message": message,
    }
    if transcript is not None:
        data["agent_transcript_path"] = transcript
    if agent_id is not None:
        data["agent_id"] = agent_id
    return json.dumps(data).encode()


def _transcripts(root: Path) -> dict[str, str]:
    """A transcript path for every hostile shape issue 13 names (and a few more)."""
    huge_line = root / "one-line.jsonl"
    with huge_line.open("wb") as f:
        f.write(
            b'{"type": "assistant", "message": {"role": "assistant", "content": [{"type": "text", "text": "'
        )
        f.truncate(48 << 20)  # a 48 MiB line that never ends
    return {
        "dev-zero": str(device_link(root / "zero.jsonl")),
        "fifo": str(fifo(root / "pipe.jsonl")),
        "socket": str(unix_socket(root / "sock.jsonl")),
        "huge": str(sparse(root / "huge.jsonl", 8 << 30)),
        "huge-line": str(huge_line),
        "folder": str(root),
        "missing": str(root / "gone.jsonl"),
        "long-path": "/" + "x" * 5000,
        "nul": "a\x00b",
    }


def test_the_hook_records_the_finding_whatever_the_transcript_path_is(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    llmeng_here("session", "start", "Hook", cwd=root).clean(frozenset({0}))
    env = {"CLAUDE_PROJECT_DIR": str(root)}
    shapes = _transcripts(root)
    for i, (shape, path) in enumerate(shapes.items()):
        payload = _payload(root, f"FINDING-{shape}", path, f"a{i:016x}")
        # /dev/zero and the FIFO through the real entry point, where they ran for 40 s and more.
        run = llmeng if shape in ("dev-zero", "fifo") else llmeng_here
        ran = run("hook", "subagent-stop", cwd=root, env=env, stdin=payload)
        assert ran.code == 0 and ran.out == "" and "Traceback" not in ran.err, (shape, ran)
    assert [e["body"] for e in _show(root)["entries"]] == [f"FINDING-{shape}" for shape in shapes]


@settings(HOSTILE, max_examples=10)
@example(noise="x", secret=None, pad=400_000, shape="not-a-path")
@example(noise="\x00\x1b\ud800" * 1000, secret=SHAPES[0][2], pad=400_000, shape="long-path")
@given(
    noise=st.text(max_size=500) | st.sampled_from([*HOSTILE_MARKDOWN, "lone \ud800 surrogate"]),
    secret=st.none() | st.sampled_from([text for _, _, text in SHAPES]),
    pad=st.sampled_from([0, 100_000, 400_000]),
    shape=st.sampled_from(["dev-zero", "fifo", "huge", "long-path", "missing", "not-a-path"]),
)
def test_the_hook_keeps_any_message_cut_and_masked(
    noise: str, secret: str | None, pad: int, shape: str
) -> None:
    with mcp_project() as (root, _):
        llmeng_here("session", "start", "Hook", cwd=root).clean(frozenset({0}))
        path = {
            "dev-zero": lambda: str(device_link(root / "t.jsonl")),
            "fifo": lambda: str(fifo(root / "t.jsonl")),
            "huge": lambda: str(sparse(root / "t.jsonl", 8 << 30)),
            "long-path": lambda: "/" + "\x1b" * 3000,
            "missing": lambda: str(root / "gone.jsonl"),
            "not-a-path": lambda: "/tmp/\ud800\x00.jsonl",  # JSON can carry both; no file name can
        }[shape]()
        message = f"FINDING-HOOK\n{noise}\n{secret or ''}\n{'y' * pad}"
        payload = _payload(root, message, path)
        env = {"CLAUDE_PROJECT_DIR": str(root)}
        ran = llmeng_here("hook", "subagent-stop", cwd=root, env=env, stdin=payload)
        assert ran.code == 0 and ran.out == "" and "Traceback" not in ran.err, ran
        [entry] = _show(root)["entries"]
        assert entry["body"].startswith("FINDING-HOOK"), entry["body"][:200]
        _no_secret(secret, entry["body"], *(v.decode() for v in _log_bytes(root).values()))


# ---- many writers, hostile bodies --------------------------------------------------------------------


def test_concurrent_hostile_appends_from_cli_mcp_and_hook_are_all_kept(tmp_path: Path) -> None:
    with mcp_project() as (root, server):
        llmeng_here("session", "start", "Crowd", cwd=root).clean(frozenset({0}))
        bodies = {
            f"FINDING-{i:02}": HOSTILE_MARKDOWN[i % len(HOSTILE_MARKDOWN)]
            for i in range(len(HOSTILE_MARKDOWN))
        }
        # Control characters are refused by the CLI and MCP (the hook replaces them): keep those apart.
        clean = {k: v for k, v in bodies.items() if "\x00" not in v and "\x1b" not in v}
        reports = root.parent / "reports"
        reports.mkdir()
        for marker, extra in clean.items():
            (reports / f"{marker}.md").write_text(f"{marker}\n{extra}")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE", "LLMENG"))}
        env["HOME"] = str(root.parent)

        def cli(marker: str) -> int:
            argv = [
                sys.executable,
                "-m",
                "llmeng",
                "session",
                "append",
                "--agent",
                "cli",
                str(reports / f"{marker}.md"),
            ]
            return subprocess.run(
                argv, cwd=root, env=env, capture_output=True, timeout=60, check=False
            ).returncode

        def hook(marker: str) -> int:
            argv = [sys.executable, "-m", "llmeng", "hook", "subagent-stop"]
            payload = _payload(root, f"{marker}\n{bodies[marker]}")
            hook_env = {**env, "CLAUDE_PROJECT_DIR": str(root)}
            run = subprocess.run(
                argv, cwd=root, env=hook_env, input=payload, capture_output=True, timeout=60, check=False
            )
            return run.returncode

        async def mcp(markers: list[str]) -> None:
            async with (
                Client(server, mode="auto", raise_exceptions=True) as client,
                anyio.create_task_group() as tg,
            ):
                for marker in markers:
                    tg.start_soon(
                        client.call_tool,
                        "session_append",
                        {"agent": "mcp", "report": f"{marker}\n{clean[marker]}"},
                    )

        markers = sorted(clean)
        by_cli, by_mcp = markers[::2], markers[1::2]
        by_hook = sorted(set(bodies) - set(clean))
        with ThreadPoolExecutor(max_workers=6) as pool:
            codes = list(pool.map(cli, by_cli)) + list(pool.map(hook, by_hook))
            bounded("concurrent MCP appends", anyio.run, mcp, by_mcp, seconds=CASE_DEADLINE_S * 3)
        assert codes == [0] * len(codes)
        entries = _show(root)["entries"]
        found = sorted(e["body"].split("\n", 1)[0] for e in entries)
        assert found == sorted(bodies), "every report is in the log exactly once"
