"""`llmeng session ...`: start, append, end, list, show, current, tail. Each makes one api call."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from llmeng import clock
from llmeng.errors import LlmengError
from llmeng.report import sessions as report
from llmeng.sessions import api


def _root(root: str | None) -> Path:
    return api.project_root(root, cwd=Path.cwd(), env=os.environ, home=Path.home())


def _tie() -> api.Tie:
    """How this process finds its Claude Code session's log, used while no session is active."""
    return api.tie_of(os.environ, pid=os.getpid(), home=Path.home())


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


@click.group()
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
@click.argument("title", nargs=-1)
@_options
def start(title: tuple[str, ...], root: str | None, fmt: str, as_json: bool) -> int:
    """Start a session titled TITLE (its words, joined); the newest active session is the one appends go to.

    \b
    Example:
      llmeng session start "Evaluate embedding models"
      llmeng session start Evaluate embedding models
    """
    info = api.start(_root(root), " ".join(title), now=clock.now(), cwd=Path.cwd())
    _emit(as_json, fmt, report.session_data(info), report.started_text(info))
    return 0


@session.command()
@click.argument("report_file", metavar="REPORT", type=str)
@click.option("--agent", required=True, help="Name of the agent the report is from.")
@click.option(
    "--source",
    type=click.Choice(api.SOURCES),
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
    default=api.DEFAULT_MAX_ENTRY_BYTES,
    show_default=True,
    help="Size cap [env: LLMENG_SESSION_MAX_BYTES].",
)
@click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=api.DEFAULT_LOCK_TIMEOUT_S,
    show_default=True,
    help="Seconds to wait for the lock before failing.",
)
@_options
def append(
    report_file: str,
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

    With no active session the report goes to the log of the Claude Code session this runs in
    (created on first use), or outside Claude Code is kept as a standalone artifact under
    .claude/sessions/standalone/.

    \b
    Example:
      llmeng session append --agent llm-architect report.md
      echo "Found 3 call sites without timeouts" | llmeng session append --agent me -
    """
    result = api.append_report(
        _root(root),
        report_file,
        stdin=sys.stdin.buffer,
        agent=agent,
        source=source,
        now=clock.now(),
        agent_id=agent_id,
        session_id=session_id,
        max_bytes=max_bytes,
        lock_timeout_s=lock_timeout,
        tie=_tie(),
    )
    _emit(as_json, fmt, report.append_data(result), report.append_text(result))
    return 0


@session.command()
@click.argument("session_id", required=False)
@_options
def end(session_id: str | None, root: str | None, fmt: str, as_json: bool) -> int:
    """End the current (or named) session and move it to .claude/sessions/archive/.

    \b
    Example:
      llmeng session end
    """
    info = api.end(_root(root), session_id, now=clock.now(), tie=_tie())
    _emit(as_json, fmt, report.session_data(info), report.ended_text(info))
    return 0


@session.command(name="list")
@_options
def list_(root: str | None, fmt: str, as_json: bool) -> int:
    """List active and archived sessions; `*` marks the current one.

    \b
    Example:
      llmeng session list --json
    """
    listing = api.list_sessions(_root(root), tie=_tie())
    _emit(as_json, fmt, report.list_data(listing), report.list_text(listing))
    return 0


@session.command()
@_options
def current(root: str | None, fmt: str, as_json: bool) -> int:
    """Print the active session's id and path (exit 1 when there is none).

    \b
    Example:
      llmeng session current
    """
    info = api.current(_root(root), tie=_tie())
    if info is None:
        if as_json or fmt == "json":
            _emit(True, fmt, None, "")
        else:
            click.echo("no active session (start one with `llmeng session start`)", err=True)
        return 1
    _emit(as_json, fmt, report.session_data(info), report.current_text(info))
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
    render = report.show_json if as_json or fmt == "json" else report.show_text
    with api.show(_root(root), session_id, tie=_tie()) as view:
        try:
            for piece in render(view):  # written as read: a log of any size in flat memory
                click.echo(piece, nl=False)
        except OSError as e:  # the disk failed after the file was opened: what was shown stands
            raise LlmengError(
                f"reading {view.path} failed partway: {e.strerror or e}",
                "check the disk, then run `llmeng session show` again",
            ) from None
    return 1 if view.log.problems else 0


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

    path = api.locate(_root(root), session_id, tie=_tie())
    click.echo(f"following {path} (Ctrl-C to stop)", err=True)

    def show_entries(entries: list[Any]) -> None:
        for e in entries:
            click.echo(json.dumps(report.entry_data(e)) if as_json or fmt == "json" else report.entry_text(e))

    try:
        still_active = api.follow(path, show_entries, threading.Event(), from_start=from_start)
    except KeyboardInterrupt:
        return 0
    if not still_active:
        click.echo("session ended", err=True)
    return 0
