"""The install errors the OS causes, as LlmengError: what happened, to which file, and the fix."""

from __future__ import annotations

import errno
from pathlib import Path

from llmeng.errors import LlmengError
from llmeng.install.leftovers import side_target


def hard_linked(path: Path, links: int) -> LlmengError:
    """Replacing a file with hard links would leave its other names holding the old bytes."""
    return LlmengError(
        f"{path} has {links} hard links; replacing it would split it from the other names, "
        "which keep the old contents; nothing was written",
        f"Make {path.name} a file of its own (`cp {path} {path}.tmp && mv {path}.tmp {path}`), "
        "then run the command again.",
    )


def os_failure(e: OSError, journal: Path | None = None) -> LlmengError:
    """An OS error as a message naming the file (a target, not our temporary name for it) and a fix."""
    where = Path(e.filename) if isinstance(e.filename, str) else None
    if where is not None and (target := side_target(where.name)) is not None:
        where = where.with_name(target)
    place = f"{where}: " if where is not None else ""
    state = (
        f"; the rollback did not finish, so {journal} is kept and the next run completes it"
        if journal is not None and journal.exists()
        else "; nothing was changed"
    )
    read_only = e.errno in (errno.EPERM, errno.EACCES, errno.EROFS)
    fix = (
        f"Check that llmeng may read and write {where or 'it'} (permissions; a read-only mount; "
        f"the immutable flag: `lsattr {where or ''}`, `chattr -i`), then run the command again."
        if read_only
        else "Fix the cause (disk space, the path), then run the command again."
    )
    return LlmengError(f"{place}{e.strerror or e}{state}", fix)
