"""Mojibake: UTF-8 text that was decoded with a legacy 8-bit encoding and saved again."""

from __future__ import annotations

import re

_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]{2,}")
# ftfy repairs the Windows-1252 and Latin-1 cases well but leaves Mac Roman alone (it misses `‚Üí` for
# `→`, the defect in our own seed), so runs are first tried against each encoding directly.
_LEGACY = ("mac_roman", "cp1252", "latin-1")
# Every character that the 8-bit encodings ftfy knows (Latin-1, the sloppy Windows code pages 1250-1257,
# ISO 8859-2, Mac Roman, cp437) decode their upper half to lies in these ranges, and a UTF-8 character
# read with one of them becomes two or more such characters in a row. Text without such a run (plain
# CJK, emoji, a lone arrow) cannot hold mojibake, and ftfy, which costs ~50 us a line, is not asked.
_MOJIBAKE_RUN = re.compile("[\u0080-\u04ff\u2000-\u25ff\uf8ff\ufb01\ufb02]{2,}")


def redecode(run: str) -> str | None:
    """`run` as it read before a wrong decode, or None when it is not mojibake."""
    for encoding in _LEGACY:
        try:
            fixed = run.encode(encoding).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != run:
            return fixed
    return None


def find_mojibake(text: str) -> tuple[int, str] | None:
    """The first line with mojibake or U+FFFD, and a sample of it."""
    if text.isascii() or ("\ufffd" not in text and _MOJIBAKE_RUN.search(text) is None):
        return None
    for number, line in enumerate(text.split("\n"), start=1):
        if "\ufffd" in line:
            return number, line.strip()[:60]
        if _MOJIBAKE_RUN.search(line) is None:
            continue
        if any(redecode(m.group(0)) for m in _NON_ASCII_RUN.finditer(line)) or _ftfy_fix(line) != line:
            return number, line.strip()[:60]
    return None


def fix_mojibake(text: str) -> str:
    """`text` with every reversible mojibake run repaired (U+FFFD stays: that text is lost)."""

    def repair(m: re.Match[str]) -> str:
        return redecode(m.group(0)) or m.group(0)

    lines = []
    for line in text.split("\n"):
        if not line.isascii():
            line = _ftfy_fix(_NON_ASCII_RUN.sub(repair, line))
        lines.append(line)
    return "\n".join(lines)


def _ftfy_fix(line: str) -> str:
    import ftfy  # deferred: a second or so of the import is never paid by ASCII-only files

    return str(ftfy.fix_encoding(line))
