"""`llmeng session ...`: start, append, end, list, show, current, tail. Rendering lives here."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from llmeng.errors import LlmengError

DEFAULT_MAX_BYTES = 256 * 1024  # mirrors entries.DEFAULT_MAX_ENTRY_BYTES without importing the core
DEFAULT_LOCK_TIMEOUT_S = 10.0


def _root(root: str | None) -> Path:
    from llmeng.claude_paths import project_root

    return Path(root) if root else project_root(Path.cwd(), env=os.environ, home=Path.home())


def _now() -> datetime:
    return datetime.now(UTC)


def _options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option(
        "--root",
        type=click.Path(file_okay=False),
        default=None,
        help="Project directory [default: $CLAUDE_PROJECT_DIR, else the git root, else cwd].",
    )(f)
    return click.option(
        "--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="Output format."
    )(click.option("--json", "as_json", is_flag=True, help="Same as --format json.")(f))


def _emit(as_json: bool, fmt: str, data: Any, text: str) -> None:
    click.echo(json.dumps(data, indent=2, default=str) if as_json or fmt == "json" else text)


class _SessionGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as e:  # e.g. `.claude` is a file, or the disk is read-only
            where = f" ({e.filename})" if e.filename else ""
            raise LlmengError(
                f"{e.strerror or e}{where}",
                "Check that the project's .claude/sessions/ is a writable directory.",
            ) from None


@click.group(cls=_SessionGroup)
def session() -> None:
    """A shared session log that many agents append to at once.

    \b
    Example:
      llmeng session start "Harden the retry logic"
      llmeng session append --agent llm-architect report.md
      llmeng session show
      llmeng session end
    """


@session.command()
@click.argument("title", required=False, default="")
@_options
def start(title: str, root: str | None, fmt: str, as_json: bool) -> int:
    """Start a session; the newest active session is the one appends go to.

    \b
    Example:
      llmeng session start "Evaluate embedding models"
    """
    from llmeng.sessions.names import git_branch
    from llmeng.sessions.store import SessionContext, start_session

    base = _root(root)
    info = start_session(base, title, now=_now(), context=SessionContext(str(Path.cwd()), git_branch(base)))
    _emit(
        as_json,
        fmt,
        {"id": info.id, "path": str(info.path), "title": info.title},
        f"Started session {info.id}: {info.path}",
    )
    return 0


@session.command()
@click.argument("report", type=str)
@click.option("--agent", required=True, help="Name of the agent the report is from.")
@click.option(
    "--source",
    type=click.Choice(["script", "cli", "mcp", "hook"]),
    default="cli",
    show_default=True,
    help="How the report arrived; recorded in the entry.",
)
@click.option("--agent-id", default=None, help="Claude Code agent id, when known.")
@click.option(
    "--session",
    "session_id",
    envvar="LLMENG_SESSION",
    default=None,
    help="Append to this session instead of the current one [env: LLMENG_SESSION].",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    envvar="LLMENG_SESSION_MAX_BYTES",
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Size cap [env: LLMENG_SESSION_MAX_BYTES].",
)
@click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=DEFAULT_LOCK_TIMEOUT_S,
    show_default=True,
    help="Seconds to wait for the lock before failing.",
)
@_options
def append(
    report: str,
    agent: str,
    source: str,
    agent_id: str | None,
    session_id: str | None,
    max_bytes: int,
    lock_timeout: float,
    root: str | None,
    fmt: str,
    as_json: bool,
) -> int:
    """Append REPORT (a markdown file, or - for stdin) as one entry.

    With no active session the report is kept as a standalone artifact under
    .claude/sessions/standalone/.

    \b
    Example:
      llmeng session append --agent llm-architect report.md
      echo "Found 3 call sites without timeouts" | llmeng session append --agent me -
    """
    from llmeng.sessions.store import append_entry

    result = append_entry(
        _root(root),
        agent,
        _read_report(report, max_bytes),
        source=source,
        now=_now(),
        agent_id=agent_id,
        session_id=session_id,
        max_bytes=max_bytes,
        lock_timeout_s=lock_timeout,
    )
    text = (
        f"⚠️  No active session - created standalone artifact: {result.path}"
        if result.standalone
        else f"✅ Findings appended to: {result.path}"
    )
    if result.redacted:
        text += f"\n   ({result.redacted} secret{'s' if result.redacted > 1 else ''} redacted)"
    _emit(
        as_json,
        fmt,
        {
            "path": str(result.path),
            "session": result.session_id,
            "entry": result.entry_id,
            "standalone": result.standalone,
            "redacted": result.redacted,
        },
        text,
    )
    return 0


def _read_report(report: str, max_bytes: int) -> bytes:
    # Read one byte past the cap so an oversized report is refused without reading it all.
    if report == "-":
        return sys.stdin.buffer.read(max_bytes + 1)
    try:
        with open(report, "rb") as f:
            return f.read(max_bytes + 1)
    except FileNotFoundError:
        raise LlmengError(
            f"report file not found: {report}", "Write the report first, or pass - to read it from stdin."
        ) from None
    except IsADirectoryError:
        raise LlmengError(f"{report} is a directory", "Pass the report's markdown file.") from None


@session.command()
@click.argument("session_id", required=False)
@_options
def end(session_id: str | None, root: str | None, fmt: str, as_json: bool) -> int:
    """End the current (or named) session and move it to .claude/sessions/archive/.

    \b
    Example:
      llmeng session end
    """
    from llmeng.sessions.store import end_session

    info = end_session(_root(root), session_id, now=_now())
    _emit(as_json, fmt, {"id": info.id, "path": str(info.path)}, f"Ended session {info.id}: {info.path}")
    return 0


@session.command(name="list")
@_options
def list_(root: str | None, fmt: str, as_json: bool) -> int:
    """List active and archived sessions; `*` marks the current one.

    \b
    Example:
      llmeng session list --json
    """
    from llmeng.sessions.store import current_session, list_sessions

    base = _root(root)
    current = current_session(base)
    infos = list_sessions(base)
    rows = [
        {
            "id": i.id,
            "state": i.state,
            "title": i.title,
            "path": str(i.path),
            "current": i.id == current and i.state == "active",
        }
        for i in infos
    ]
    lines = [f"{'*' if r['current'] else ' '} {r['id']}  {r['state']:<7}  {r['title']}" for r in rows]
    _emit(as_json, fmt, rows, "\n".join(lines) or "no sessions")
    return 0


@session.command()
@_options
def current(root: str | None, fmt: str, as_json: bool) -> int:
    """Print the active session's id and path (exit 1 when there is none).

    \b
    Example:
      llmeng session current
    """
    from llmeng.sessions.names import ACTIVE, session_file
    from llmeng.sessions.store import current_session

    base = _root(root)
    sid = current_session(base)
    if sid is None:
        if as_json or fmt == "json":
            _emit(True, fmt, None, "")
        else:
            click.echo("no active session (start one with `llmeng session start`)", err=True)
        return 1
    path = session_file(base, ACTIVE, sid)
    _emit(as_json, fmt, {"id": sid, "path": str(path)}, f"{sid}  {path}")
    return 0


@session.command()
@click.argument("session_id", required=False)
@_options
def show(session_id: str | None, root: str | None, fmt: str, as_json: bool) -> int:
    """Show a session's entries, parsed back from its markdown (exit 1 if it is damaged).

    \b
    Example:
      llmeng session show --format json
    """
    from dataclasses import asdict

    from llmeng.sessions.parse import read_session
    from llmeng.sessions.store import session_path

    log = read_session(session_path(_root(root), session_id))
    text = "\n".join(
        [f"# {log.title}", *(f"{k}: {v}" for k, v in log.fields.items()), ""]
        + [render_entry_text(e) for e in log.entries]
        + [f"problem: {p}" for p in log.problems]
    )
    _emit(as_json, fmt, asdict(log), text)
    return 1 if log.problems else 0


def render_entry_text(entry: Any) -> str:
    extra = f" · agent id {entry.agent_id}" if entry.agent_id else ""
    extra += f" · {entry.redacted} redacted" if entry.redacted else ""
    return f"── {entry.agent} · {entry.time} · {entry.source}{extra}\n{entry.body}\n"


@session.command()
@click.argument("session_id", required=False)
@click.option("--from-start", is_flag=True, help="Print the entries already there first.")
@_options
def tail(session_id: str | None, from_start: bool, root: str | None, fmt: str, as_json: bool) -> int:
    """Follow the current session live; stop with Ctrl-C.

    \b
    Example:
      llmeng session tail --from-start
    """
    import threading
    from dataclasses import asdict

    from llmeng.sessions.store import session_path
    from llmeng.sessions.tail import follow

    path = session_path(_root(root), session_id)
    click.echo(f"following {path} (Ctrl-C to stop)", err=True)

    def show_entries(entries: list[Any]) -> None:
        for e in entries:
            click.echo(json.dumps(asdict(e)) if as_json or fmt == "json" else render_entry_text(e))

    try:
        still_active = follow(path, show_entries, threading.Event(), from_start=from_start)
    except KeyboardInterrupt:
        return 0
    if not still_active:
        click.echo("session ended", err=True)
    return 0
