"""Undo records for the JSON files we edit: how to turn the bytes we wrote back into the user's bytes.

Removing our entries from parsed JSON and writing the text back cannot always give the original
bytes (an empty file, `{ }`, a key order only the text knew). So each time we write such a file we
keep the smallest patch that turns what we wrote back into the file as it was before llmeng first
touched it: the span where the two differ, and the original's bytes there. While the file still
holds exactly what we wrote, uninstall applies the patch; once anyone else changed it, the patch no
longer applies and uninstall falls back to taking out only our entries.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Restore:
    """The patch from the bytes we last wrote (`sha256`) back to the file before llmeng."""

    sha256: str
    prefix: int  # bytes shared at the start
    suffix: int  # bytes shared at the end
    middle: bytes | None  # the original's bytes between them; None: there was no file


@dataclass(frozen=True)
class Pristine:
    """The file as it was before llmeng edited it; `raw` None: it did not exist."""

    raw: bytes | None


def record(original: Pristine, written: bytes) -> Restore:
    """The patch that turns `written` back into `original`."""
    old = original.raw or b""
    prefix = _common_prefix(old, written)
    suffix = _common_prefix(old[prefix:][::-1], written[prefix:][::-1])
    middle = None if original.raw is None else old[prefix : len(old) - suffix]
    return Restore(_sha256(written), prefix, suffix, middle)


def undo(patch: Restore, current: bytes | None) -> Pristine | None:
    """The file before llmeng, when `current` is still exactly what we wrote; else None."""
    if current is None or _sha256(current) != patch.sha256:
        return None
    if patch.middle is None:
        return Pristine(None)
    return Pristine(current[: patch.prefix] + patch.middle + current[len(current) - patch.suffix :])


def to_json(patch: Restore) -> dict[str, Any]:
    middle = None if patch.middle is None else base64.b64encode(patch.middle).decode()
    return {"sha256": patch.sha256, "prefix": patch.prefix, "suffix": patch.suffix, "middle": middle}


def from_json(d: dict[str, Any]) -> Restore:
    middle = d["middle"]
    prefix, suffix = int(d["prefix"]), int(d["suffix"])
    if prefix < 0 or suffix < 0:
        raise ValueError("negative span in a restore record")
    raw = None if middle is None else base64.b64decode(str(middle), validate=True)
    return Restore(str(d["sha256"]), prefix, suffix, raw)


def _common_prefix(a: bytes, b: bytes) -> int:
    # Bisection over slice comparisons: each runs in C, so a multi-megabyte ~/.claude.json costs
    # a few dozen memcmp calls rather than a Python loop over every byte.
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()  # manifest.sha256, which imports this module
