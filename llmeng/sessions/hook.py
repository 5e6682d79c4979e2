"""The SubagentStop hook: log a subagent's final message unless it is already in the session; and
the SessionStart hook, which records the Claude Code session for the processes it starts (claude.py).

Imports stay light (no pydantic, markdown-it, watchdog, yaml) because Claude Code waits for
every hook invocation; see benchmarks/bench_sessions.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from llmeng.claude_paths import project_root
from llmeng.errors import LlmengError
from llmeng.sessions.append import append_entry
from llmeng.sessions.claude import Tie, record, valid_session
from llmeng.sessions.entries import DEFAULT_MAX_ENTRY_BYTES, replace_controls
from llmeng.sessions.lock import DEFAULT_LOCK_TIMEOUT_S
from llmeng.sessions.names import AGENT_ID_RE
from llmeng.sessions.redact import safe_cut
from llmeng.sessions.store import current_session
from llmeng.sessions.transcript import TranscriptFacts, scan_transcript

_NOT_AGENT_CHARS = re.compile(r"[^A-Za-z0-9._:-]+")


@dataclass(frozen=True)
class HookOutcome:
    # appended | already-logged | agent-appended | no-session | no-message | ignored | recorded | unchanged
    status: str
    detail: str
    path: Path | None = None


NOTE_PATH_MAX_CHARS = 512  # a longer transcript path is named generically: the note must fit the cap


def subagent_stop(
    payload: bytes,
    *,
    env: Mapping[str, str],
    now: datetime,
    max_bytes: int = DEFAULT_MAX_ENTRY_BYTES,
    lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S,
    tie: Tie | None = None,
) -> HookOutcome:
    """Append the subagent's final message from a SubagentStop payload to the active session, else
    to the session of the payload's Claude Code session."""
    data = _load_payload(payload)
    if data.get("hook_event_name") != "SubagentStop":
        return HookOutcome("ignored", f"event {data.get('hook_event_name')!r} is not SubagentStop")
    root = project_root(Path(str(data.get("cwd") or ".")), env=env)
    claude = valid_session(data.get("session_id"))
    if claude is not None:
        tie = replace(tie or Tie(), session=claude)
        _record(tie, claude, root)
    if current_session(root) is None and claude is None:
        return HookOutcome("no-session", f"no active session under {root}, and no session_id in the payload")
    facts = _transcript_facts(data.get("agent_transcript_path"))
    if facts.appended_itself:
        return HookOutcome("agent-appended", "the agent appended its own report")
    message = _final_message(data, facts)
    if not message:
        return HookOutcome("no-message", "no final assistant text in the payload or transcript")
    agent_id = data.get("agent_id")
    agent_id = agent_id if isinstance(agent_id, str) and AGENT_ID_RE.fullmatch(agent_id) else None
    result = append_entry(
        root,
        _agent_name(data.get("agent_type")),
        _fit(message, max_bytes, data),
        source="hook",
        now=now,
        agent_id=agent_id,
        max_bytes=max_bytes,
        lock_timeout_s=lock_timeout_s,
        skip_if_logged=True,
        tie=tie,
    )
    if not result.appended:
        return HookOutcome("already-logged", f"agent {agent_id} already has an entry", result.path)
    return HookOutcome("appended", f"entry {result.entry_id}", result.path)


def session_start(payload: bytes, *, env: Mapping[str, str], tie: Tie) -> HookOutcome:
    """Record a SessionStart payload's Claude Code session for the Claude Code process (claude.py)."""
    data = _load_payload(payload)
    if data.get("hook_event_name") != "SessionStart":
        return HookOutcome("ignored", f"event {data.get('hook_event_name')!r} is not SessionStart")
    claude = valid_session(data.get("session_id"))
    if claude is None:
        return HookOutcome("ignored", "no session_id in the payload")
    if tie.claude_process is None:
        return HookOutcome("ignored", "no Claude Code process among this hook's ancestors")
    root = project_root(Path(str(data.get("cwd") or ".")), env=env)
    changed = record(tie, claude, root)
    return HookOutcome("recorded" if changed else "unchanged", f"Claude Code session {claude} in {root}")


def _record(tie: Tie, claude: str, root: Path) -> None:
    try:
        record(tie, claude, root)
    except OSError:
        # The record only helps MCP servers and scripts find this session; this hook knows it anyway.
        pass


def _final_message(data: Mapping[str, Any], facts: TranscriptFacts) -> str | None:
    # claude-code.md 3.4: last_assistant_message first, the transcript when it is missing or blank.
    message = data.get("last_assistant_message")
    return message if isinstance(message, str) and message.strip() else facts.last_text


def _load_payload(payload: bytes) -> dict[str, Any]:
    try:
        data = json.loads(payload)
    except ValueError as e:
        raise LlmengError(
            f"hook payload is not JSON ({e})",
            "Run this command only as a Claude Code hook (it reads the payload on stdin).",
        ) from None
    if not isinstance(data, dict):
        raise LlmengError("hook payload is not a JSON object", "Run this command only as a Claude Code hook.")
    return data


def _transcript_facts(path: object) -> TranscriptFacts:
    if not isinstance(path, str) or not path:
        return TranscriptFacts(None, False)
    try:
        return scan_transcript(Path(path))
    except (OSError, ValueError):
        # A missing transcript only costs us the fallback text and the self-append check. ValueError:
        # a path with a NUL byte or a lone surrogate, which no file can have (it cost the finding).
        return TranscriptFacts(None, False)


def _agent_name(agent_type: object) -> str:
    name = _NOT_AGENT_CHARS.sub("-", agent_type if isinstance(agent_type, str) else "").strip("-._:")
    return name[:64] or "subagent"


def _fit(message: str, max_bytes: int, data: Mapping[str, Any]) -> bytes:
    """The message as UTF-8, cut to the cap with a note, so a long answer is kept, not dropped.

    Control characters are replaced rather than refused: a stray escape code in a model's answer
    should not cost us the finding.
    """
    text = _encodable(replace_controls(message))
    raw = text.encode("utf-8")
    if len(raw) <= max_bytes:
        return raw
    where = _encodable(replace_controls(str(data.get("agent_transcript_path") or "")))
    where = where if 0 < len(where) <= NOTE_PATH_MAX_CHARS else "the agent transcript"
    note = (
        f"\n\n_[llmeng: truncated {len(raw)} bytes to the {max_bytes}-byte cap; the full text is in {where}]_"
    )
    budget = max(max_bytes - len(note.encode()), 0)
    head = raw[:budget].decode("utf-8", "ignore")
    # Never cut inside a secret: a part of one would no longer be recognised, and so not masked.
    head = head[: safe_cut(text, len(head))]
    return (head + note).encode("utf-8")[:max_bytes]


def _encodable(text: str) -> str:
    """`text` with each lone surrogate (JSON allows "\\ud800") as "?": UTF-8 cannot encode one."""
    return text.encode("utf-8", "replace").decode("utf-8")
