"""Session results as text and as JSON-ready data, for the CLI and the MCP server.

Every shape names a session's id `session_id` and an entry's id `entry_id` (an entry inside a
session's `entries` list keeps `id`), so the CLI's JSON and the MCP tool's output agree.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmeng.sessions.api import AppendResult, SessionInfo, SessionList, SessionStream, SessionView
    from llmeng.sessions.parse import Entry

# One encoder for every entry `show --format json` writes; json.dumps(indent=2) builds one per call.
_INDENTED = json.JSONEncoder(indent=2)

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
    # Shallow: every field is a str, int, bool or None, and asdict would deep-copy each one.
    return {f.name: getattr(entry, f.name) for f in fields(entry)}


def entry_text(entry: Entry) -> str:
    extra = f" · agent id {entry.agent_id}" if entry.agent_id else ""
    extra += f" · {entry.redacted} redacted" if entry.redacted else ""
    return f"── {entry.agent} · {entry.time} · {entry.source}{extra}\n{entry.body}\n"


def show_text(view: SessionStream) -> Iterator[str]:
    """The session as text, a piece per entry as it is read: header, entries, then the problems."""
    log = view.log
    yield f"# {log.title}\n" + "".join(f"{k}: {v}\n" for k, v in log.fields.items()) + "\n"
    for entry in log.entries:
        yield entry_text(entry) + "\n"
    for problem in log.problems:
        yield f"problem: {problem}\n"


def show_json(view: SessionStream) -> Iterator[str]:
    """The session as one indented JSON object, a piece per entry as it is read.

    The same bytes as dumping `{session_id, path, title, fields, entries, closed, problems}` whole
    with `indent=2`, without holding every entry: the problems, which come last, are known only at
    the end of the log.
    """
    log = view.log
    head = {"session_id": view.session_id, "path": str(view.path), "title": log.title, "fields": log.fields}
    yield _INDENTED.encode(head)[: -len("\n}")] + ',\n  "entries": ['
    shown = False
    for entry in log.entries:
        # Nested two levels down: JSON escapes newlines in strings, so each "\n" is layout.
        nested = _INDENTED.encode(entry_data(entry)).replace("\n", "\n    ")
        yield f"{',' if shown else ''}\n    {nested}"
        shown = True
    tail = _INDENTED.encode({"closed": log.closed, "problems": list(log.problems)})
    yield ("\n  ]" if shown else "]") + "," + tail[len("{") :] + "\n"


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
