"""`llmeng hook subagent-stop` and `llmeng hook session-start`: Claude Code hooks. Fail open: exit 0."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from llmeng import clock
from llmeng.sessions import api


@click.group()
def hook() -> None:
    """Claude Code hook commands (read the hook's JSON payload on stdin).

    \b
    Example: in .claude/settings.json
      {"hooks": {"SubagentStop": [{"hooks": [
        {"type": "command", "command": "llmeng hook subagent-stop", "timeout": 30}]}]}}
    """


def _tie() -> api.Tie:
    return api.tie_of(os.environ, pid=os.getpid(), home=Path.home())


def _fail_open(name: str, e: Exception) -> int:
    fix = getattr(e, "fix", "")
    click.echo(f"llmeng hook {name}: {e}" + (f" (fix: {fix})" if fix else ""), err=True)
    return 0


@hook.command(name="subagent-stop")
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    envvar="LLMENG_SESSION_MAX_BYTES",
    default=api.DEFAULT_MAX_ENTRY_BYTES,
    show_default=True,
    help="Entry size cap; longer messages are cut.",
)
def subagent_stop(max_bytes: int) -> int:
    """Log the finished subagent's final message to the active session.

    With no session active, the message goes to the session of the payload's Claude Code session,
    created on first use. Skips subagents that appended their own report, and agent ids already
    logged. Never blocks the subagent and never prints to stdout; problems go to stderr, and it
    always exits 0.

    \b
    Example:
      echo '{"hook_event_name": "SubagentStop", ...}' | llmeng hook subagent-stop
    """
    try:
        payload = sys.stdin.buffer.read(api.HOOK_PAYLOAD_MAX_BYTES)
        outcome = api.run_subagent_stop(
            payload, env=os.environ, now=clock.now(), max_bytes=max_bytes, tie=_tie()
        )
    except Exception as e:  # noqa: BLE001  fail open: a logging hook must never break the agent's run
        return _fail_open("subagent-stop", e)
    if os.environ.get("LLMENG_HOOK_VERBOSE"):
        click.echo(f"llmeng hook subagent-stop: {outcome.status}: {outcome.detail}", err=True)
    return 0


@hook.command(name="session-start")
def session_start() -> int:
    """Record which Claude Code session this Claude Code process runs, for the MCP server and scripts.

    Reports made while no session is active then go to that session's log (see docs/sessions.md).
    Prints nothing to stdout and always exits 0.

    \b
    Example: in .claude/settings.json
      {"hooks": {"SessionStart": [{"hooks": [
        {"type": "command", "command": "llmeng hook session-start", "timeout": 30}]}]}}
    """
    try:
        payload = sys.stdin.buffer.read(api.HOOK_PAYLOAD_MAX_BYTES)
        outcome = api.run_session_start(payload, env=os.environ, tie=_tie())
    except Exception as e:  # noqa: BLE001  fail open: session start must never be held up by us
        return _fail_open("session-start", e)
    if os.environ.get("LLMENG_HOOK_VERBOSE"):
        click.echo(f"llmeng hook session-start: {outcome.status}: {outcome.detail}", err=True)
    return 0
