"""The side files a transaction stages beside each target, and sweeping those a killed run left.

`txn` writes the new bytes to `.NAME.llmeng-new-<token>` and moves the old ones to
`.NAME.llmeng-old-<token>`, beside NAME. A run killed before its journal exists, or after it removed
the journal, leaves them with nothing that refers to them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

STAGED_MARK = ".llmeng-new-"
OLD_MARK = ".llmeng-old-"
TOKEN_BYTES = 4
# The only names a sweep may delete: anything else in these folders is the user's.
_SIDE = re.compile(
    rf"\.(?P<name>.+)(?:{re.escape(STAGED_MARK)}|{re.escape(OLD_MARK)})[0-9a-f]{{{TOKEN_BYTES * 2}}}"
)


def side_target(name: str) -> str | None:
    """The target's name when `name` is one of our side files for it, else None."""
    match = _SIDE.fullmatch(name)
    return match["name"] if match else None


def sweep(journal: Path, places: Iterable[tuple[Path, str | None]]) -> None:
    """Delete leftovers of runs killed outside their journal: staged files before it, old ones after.

    `places` pairs a folder with the one target name whose leftovers may go there (None: any).
    Only regular files named as `_stage` names them are deleted, never while a journal still
    needs them, and the caller holds the scope's lock, so no running transaction owns them.
    """
    if journal.exists():
        return
    for folder, name in places:
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            target = side_target(entry.name)
            if target is not None and name in (None, target) and entry.is_file(follow_symlinks=False):
                Path(entry.path).unlink(missing_ok=True)
