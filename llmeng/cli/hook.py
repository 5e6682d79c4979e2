"""`llmeng hook subagent-stop`: the SubagentStop hook. Fails open: always exits 0."""

from __future__ import annotations

import os
import sys

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

    Skips subagents that appended their own report, and agent ids already logged. Never blocks
    the subagent and never prints to stdout; problems go to stderr, and it always exits 0.

    \b
    Example:
      echo '{"hook_event_name": "SubagentStop", ...}' | llmeng hook subagent-stop
    """
    try:
        payload = sys.stdin.buffer.read(api.HOOK_PAYLOAD_MAX_BYTES)
        outcome = api.run_subagent_stop(payload, env=os.environ, now=clock.now(), max_bytes=max_bytes)
    except Exception as e:  # noqa: BLE001  fail open: a logging hook must never break the agent's run
        fix = getattr(e, "fix", "")
        click.echo(f"llmeng hook subagent-stop: {e}" + (f" (fix: {fix})" if fix else ""), err=True)
        return 0
    if os.environ.get("LLMENG_HOOK_VERBOSE"):
        click.echo(f"llmeng hook subagent-stop: {outcome.status}: {outcome.detail}", err=True)
    return 0
