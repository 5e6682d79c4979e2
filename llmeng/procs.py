"""Which processes a process descends from, read from /proc (Linux; elsewhere there are none).

Sessions use it to find the Claude Code process a hook, an MCP server or a script runs under: Claude
Code starts MCP servers itself, and hooks and its Bash tool as `sh -c` / `bash -c` children. A process
is named by its pid and its start time, so a pid the kernel hands out again never matches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
MAX_DEPTH = 64  # a guard against a loop in a malformed /proc copy; real trees are a dozen deep
# Programs that only pass a command on: the process behind a chain of them is the one that ran it.
SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "mksh", "fish", "busybox", "env", "timeout"})


@dataclass(frozen=True)
class Proc:
    pid: int
    parent: int
    start: int  # clock ticks after boot (field 22 of /proc/<pid>/stat)
    name: str  # the kernel's `comm`: the program's name, at most 15 bytes

    @property
    def key(self) -> str:
        """`<pid>-<start>`: names this process and no later one that gets its pid."""
        return f"{self.pid}-{self.start}"


def parse_stat(pid: int, text: str) -> Proc | None:
    """The process described by the text of /proc/<pid>/stat, or None when it is malformed."""
    # `comm` sits in parentheses and may itself hold spaces and parentheses: split after the last ")".
    open_at, close_at = text.find("("), text.rfind(")")
    fields = text[close_at + 2 :].split()
    if open_at < 0 or close_at < open_at or len(fields) < 20:
        return None
    try:
        return Proc(pid, int(fields[1]), int(fields[19]), text[open_at + 1 : close_at])
    except ValueError:
        return None


def read_proc(pid: int, *, proc: Path = PROC) -> Proc | None:
    """Process `pid` as /proc shows it now; None when it is gone or /proc is not there."""
    try:
        text = (proc / str(pid) / "stat").read_bytes().decode("utf-8", "replace")
    except OSError:
        return None
    return parse_stat(pid, text)


def ancestors(pid: int, *, proc: Path = PROC) -> tuple[Proc, ...]:
    """The parent of `pid`, its parent, and so on up to (not including) init; nearest first."""
    found: list[Proc] = []
    me = read_proc(pid, proc=proc)
    parent = me.parent if me is not None else 0
    while parent > 1 and len(found) < MAX_DEPTH:
        current = read_proc(parent, proc=proc)
        if current is None:
            break
        found.append(current)
        parent = current.parent
    return tuple(found)


def launcher(chain: Sequence[Proc], *, pid: int | None = None) -> Proc | None:
    """The process in `chain` (nearest first) that ran us: the one numbered `pid` when it is there,
    else the nearest one that is not a shell."""
    if pid is not None:
        named = next((p for p in chain if p.pid == pid), None)
        if named is not None:
            return named
    return next((p for p in chain if p.name not in SHELLS), None)
