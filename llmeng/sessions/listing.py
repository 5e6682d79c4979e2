"""The session ids a directory holds, listed again only when the directory has changed.

Appends are hot (the MCP server makes one per agent report) and each would otherwise list
active/ to find the current session. A listing is kept with the directory's identity and mtime,
and reused while a stat shows both unchanged.

File timestamps are coarse (they can lag the clock by a tick), so a change made just after a
listing could leave the mtime as it was. As git does for its index, a listing is therefore kept
only when the directory last changed well before the listing began: any later change then
carries a newer mtime.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from llmeng.sessions import names

RACY_NS = 1_000_000_000  # far longer than any timestamp tick

_kept: dict[str, tuple[tuple[int, int, int], tuple[str, ...]]] = {}


def session_ids(directory: Path) -> tuple[str, ...]:
    """The valid session ids of the regular `*.md` files in `directory`, sorted; () if it is missing."""
    key = os.fspath(directory)
    began = time.time_ns()
    try:
        st = os.stat(directory)
    except FileNotFoundError:
        return ()
    stamp = (st.st_dev, st.st_ino, st.st_mtime_ns)
    kept = _kept.get(key)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    ids = _scan(directory)
    if st.st_mtime_ns < began - RACY_NS:
        _kept[key] = (stamp, ids)
    else:
        _kept.pop(key, None)
    return ids


def _scan(directory: Path) -> tuple[str, ...]:
    try:
        with os.scandir(directory) as entries:
            ids = [
                e.name[:-3]
                for e in entries
                if e.name.endswith(".md")
                and len(e.name) - 3 <= names.SESSION_ID_MAX_CHARS
                and names.SESSION_ID_RE.fullmatch(e.name[:-3])
                and e.is_file(follow_symlinks=False)  # a symlink is never a session; no stat per file
            ]
    except FileNotFoundError:
        return ()
    return tuple(sorted(ids))


def latest_started(directory: Path) -> str | None:
    """The greatest id in `directory` of a session someone started (tied sessions left out), or None."""
    return next((i for i in reversed(session_ids(directory)) if not names.is_tied(i)), None)


def tied_ids(directory: Path, claude_session: str) -> tuple[str, ...]:
    """The ids in `directory` of the sessions tied to the Claude Code session `claude_session`."""
    suffix = names.tied_suffix(claude_session)
    return tuple(i for i in session_ids(directory) if i.endswith(suffix) and names.is_tied(i))
