"""Read JSON values from a file without holding it: JSON Lines line by line, one big JSON document with ijson.

Each value comes with where it is (`path:line`, or `path: item N` inside a document) for error messages.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from llmeng.errors import LlmengError

# Arrays of records a whole-document export keeps them in: OTLP JSON, Langfuse's API, LiteLLM's API.
DOCUMENT_KEYS = ("resourceSpans", "data", "observations", "logs")
PEEK_BYTES = 1 << 16
# A first line longer than this is not read whole: the file is streamed as JSON values with ijson instead.
MAX_LINE_BYTES = 16 << 20
Progress = Callable[[int], None]  # bytes read since the last call


def values(path: Path, progress: Progress | None = None) -> Iterator[tuple[str, Any]]:
    """(where, value) for each JSON value in the file."""
    try:
        fh = path.open("rb")
    except OSError as e:
        raise LlmengError(f"{path}: cannot read: {e.strerror}", "pass an existing usage log file") from e
    with fh:
        head = fh.read(PEEK_BYTES).lstrip()
        fh.seek(0)
        if not head:
            return
        first_line = _first_line(fh) if head[:1] == b"{" else None
        fh.seek(0)
        if first_line is not None and _is_json(first_line):
            yield from _lines(path, fh, progress)
        else:
            yield from _document(path, fh, head, progress)


def _first_line(fh: IO[bytes]) -> bytes | None:
    """The first non-blank line, or None when it runs past MAX_LINE_BYTES."""
    for _ in range(1000):
        line = fh.readline(MAX_LINE_BYTES)
        if len(line) >= MAX_LINE_BYTES and not line.endswith(b"\n"):
            return None
        if line.strip() or not line:
            return line.strip()
    return None


def _is_json(line: bytes) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def _lines(path: Path, fh: IO[bytes], progress: Progress | None) -> Iterator[tuple[str, Any]]:
    done = 0
    for number, line in enumerate(fh, 1):
        done += len(line)
        if progress is not None and done >= 1 << 20:
            progress(done)
            done = 0
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as e:
            raise LlmengError(
                f"{path}:{number}: not valid JSON ({e})",
                "each line must hold one JSON object (JSON Lines), or the file one JSON document",
            ) from e
        yield f"{path}:{number}", value
    if progress is not None:
        progress(done)


class _Counting:
    """A file wrapper that reports bytes read, for progress through a document ijson consumes."""

    def __init__(self, fh: IO[bytes], progress: Progress | None) -> None:
        self.fh, self.progress = fh, progress

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        if self.progress is not None:
            self.progress(len(data))
        return data


def _document(path: Path, fh: IO[bytes], head: bytes, progress: Progress | None) -> Iterator[tuple[str, Any]]:
    import ijson

    prefix = "item" if head[:1] == b"[" else _array_key(head)
    try:
        # multiple_values: JSON Lines whose lines are too long to read whole are a series of documents.
        items = ijson.items(_Counting(fh, progress), prefix, use_float=True, multiple_values=True)
        for index, value in enumerate(items):
            yield f"{path}: item {index}", value
    except ijson.JSONError as e:
        raise LlmengError(
            f"{path}: not valid JSON ({e})", "the file must be JSON Lines, or one complete JSON document"
        ) from e


def _array_key(head: bytes) -> str:
    """`<key>.item` for the first known record array among the document's top-level keys, else the document."""
    import ijson

    keys = []
    try:
        for prefix, event, value in ijson.parse(head):
            if prefix == "" and event == "map_key":
                keys.append(value)
                if value in DOCUMENT_KEYS:
                    return f"{value}.item"
    except ijson.JSONError:
        pass  # the peek ends mid-document
    return ""  # a single record spread over several lines
