"""Session results as text and as JSON-ready data, for the CLI and the MCP server.

Every shape names a session's id `session_id` and an entry's id `entry_id` (an entry inside a
session's `entries` list keeps `id`), so the CLI's JSON and the MCP tool's output agree.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmeng.sessions.api import AppendResult, SessionInfo, SessionList, SessionView
    from llmeng.sessions.parse import Entry

NO_ACTIVE_SESSION = 'No active session. Start one with `llmeng session start "<title>"`.'


def session_data(info: SessionInfo) -> dict[str, Any]:
    """One session: its id, state (active or archive), title and file."""
    return {"session_id": info.id, "state": info.state, "title": info.title, "path": str(info.path)}


def started_text(info: SessionInfo) -> str:
    return f"Started session {info.id}: {info.path}"


def ended_text(info: SessionInfo) -> str:
    return f"Ended session {info.id}: {info.path}"


def current_text(info: SessionInfo) -> str:
    return f"{info.id}  {info.path}"


def append_data(result: AppendResult, *, root_prefix: str = "") -> dict[str, Any]:
    """The append result; `root_prefix` (the root with a trailing separator) is cut off the path."""
    # Session paths are confined under the resolved root, so the prefix is there when given;
    # slicing it off is a tenth of what Path.relative_to costs on the MCP server's hot path.
    return {
        "session_id": result.session_id,
        "entry_id": result.entry_id,
        "path": os.fspath(result.path).removeprefix(root_prefix) if root_prefix else str(result.path),
        "standalone": result.standalone,
        "redacted": result.redacted,
    }


def append_text(result: AppendResult) -> str:
    text = (
        f"⚠️  No active session - created standalone artifact: {result.path}"
        if result.standalone
        else f"✅ Findings appended to: {result.path}"
    )
    if result.redacted:
        text += f"\n   ({result.redacted} secret{'s' if result.redacted > 1 else ''} redacted)"
    return text


def list_data(listing: SessionList) -> list[dict[str, Any]]:
    return [{**session_data(i), "current": listing.is_current(i)} for i in listing.sessions]


def list_text(listing: SessionList) -> str:
    lines = [
        f"{'*' if listing.is_current(i) else ' '} {i.id}  {i.state:<7}  {i.title}" for i in listing.sessions
    ]
    return "\n".join(lines) or "no sessions"


def entry_data(entry: Entry) -> dict[str, Any]:
    return asdict(entry)


def entry_text(entry: Entry) -> str:
    extra = f" · agent id {entry.agent_id}" if entry.agent_id else ""
    extra += f" · {entry.redacted} redacted" if entry.redacted else ""
    return f"── {entry.agent} · {entry.time} · {entry.source}{extra}\n{entry.body}\n"


def show_data(view: SessionView) -> dict[str, Any]:
    return {"session_id": view.session_id, "path": str(view.path), **asdict(view.log)}


def show_text(view: SessionView) -> str:
    log = view.log
    return "\n".join(
        [f"# {log.title}", *(f"{k}: {v}" for k, v in log.fields.items()), ""]
        + [entry_text(e) for e in log.entries]
        + [f"problem: {p}" for p in log.problems]
    )


def active_session_data(view: SessionView | None) -> dict[str, Any]:
    """The active session as the MCP resource shows it: its entries, or why there are none."""
    if view is None:
        return {"session_id": None, "title": "", "entries": [], "problems": [NO_ACTIVE_SESSION]}
    entries = [
        {"id": e.id, "agent": e.agent, "source": e.source, "time": e.time, "body": e.body, "intact": e.intact}
        for e in view.log.entries
    ]
    return {
        "session_id": view.session_id,
        "title": view.log.title,
        "entries": entries,
        "problems": list(view.log.problems),
    }
