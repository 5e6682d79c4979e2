import io
import random

import pytest

from llmeng.fsutil import NotReadable
from llmeng.sessions import parse
from llmeng.sessions.append import append_entry
from llmeng.sessions.entries import EntryMeta, render_entry
from llmeng.sessions.parse import LogStream, parse_session, read_session, scan_session, stream_session

from .conftest import NOW
from .parse_before_streaming import parse_before_streaming

HEADER = "# T\n\n- Session: s\n\n<!-- llmeng:session v=1 -->\n\n"


def _entry(i, body="body"):
    return render_entry(EntryMeta(f"e{i}", "agent", "script", NOW, None, 0), body)


def test_report_headings_do_not_become_log_structure(tmp_path, session):
    append_entry(tmp_path, "a", b"# Report title\n\n## Section", source="cli", now=NOW)
    text = session.path.read_text()
    assert "\n### Report title\n" in text and "\n#### Section\n" in text
    assert read_session(session.path).entries[0].body == "# Report title\n\n## Section"


def test_unclosed_fence_in_one_report_does_not_swallow_the_next(tmp_path, session):
    append_entry(tmp_path, "a", b"```python\nprint('never closed')", source="cli", now=NOW)
    append_entry(tmp_path, "b", b"second", source="cli", now=NOW)
    log = read_session(session.path)
    assert [e.body for e in log.entries] == ["```python\nprint('never closed')", "second"]
    assert log.problems == ()


def test_marker_swallowed_by_a_hand_made_open_fence_is_still_found_and_reported():
    text = HEADER + _entry(1) + "```\nhand edit, never closed\n\n" + _entry(2)
    log = parse_session(text)
    assert [e.id for e in log.entries] == ["e1", "e2"]
    assert any("outside any entry" in p for p in log.problems)


def test_a_pre_block_around_an_open_fence_is_a_healthy_entry(tmp_path, session):
    # The writer closes the fence it sees open; a markdown reader sees the <pre> block instead. Either
    # way the entry is whole: `show` must not call the log damaged.
    report = b"<pre>\n```python\nx = 1\n</pre>\n\nafter"
    append_entry(tmp_path, "a", report, source="cli", now=NOW)
    append_entry(tmp_path, "b", b"second", source="cli", now=NOW)
    log = read_session(session.path)
    assert [e.body for e in log.entries] == [report.decode(), "second"] and log.problems == ()


def test_truncated_entry_is_reported_and_later_entries_survive():
    torn = _entry(1)[:60]
    log = parse_session(HEADER + torn + "\n\n" + _entry(2))
    assert [e.id for e in log.entries] == ["e2"]
    assert any("damaged marker" in p for p in log.problems)


def test_edited_entry_fails_its_checksum():
    log = parse_session(HEADER + _entry(1, "original").replace("original", "tampered"))
    [entry] = log.entries
    assert not entry.intact and entry.body == "tampered"
    assert any("checksum" in p for p in log.problems)


def test_stray_end_marker_is_reported():
    log = parse_session(HEADER + "<!-- llmeng:end id=zz crc=0123abcd -->\n\n" + _entry(1))
    assert [e.id for e in log.entries] == ["e1"]
    assert any("without its begin" in p for p in log.problems)


def test_trailing_torn_begin_is_reported():
    log = parse_session(HEADER + _entry(1) + _entry(2)[:80])
    assert [e.id for e in log.entries] == ["e1"]
    assert len(log.problems) == 1


def test_entry_line_numbers_point_at_begin_markers():
    text = HEADER + _entry(1) + _entry(2)
    lines = text.split("\n")
    for entry in parse_session(text).entries:
        assert lines[entry.line - 1].startswith(f"<!-- llmeng:entry id={entry.id} ")


def test_entry_cut_before_its_end_marker_is_reported():
    cut = _entry(1).split("<!-- llmeng:end")[0]
    log = parse_session(HEADER + cut + _entry(2))
    assert [e.id for e in log.entries] == ["e2"]
    assert log.problems == (f"line {HEADER.count(chr(10)) + 1}: entry has no end marker (writer killed?)",)


def test_file_saved_with_crlf_line_endings_still_parses_intact():
    log = parse_session((HEADER + _entry(1, "line one\nline two") + _entry(2)).replace("\n", "\r\n"))
    assert [e.id for e in log.entries] == ["e1", "e2"]
    assert [e.body for e in log.entries] == ["line one\nline two", "body"]
    assert all(e.intact for e in log.entries) and log.problems == ()


# The streaming scan against the whole-text parser it replaced (tests/sessions/parse_before_streaming.py).

BODIES = (
    "plain",
    "# Title\n\n## Section\ntext",
    "```python\nprint('fence never closed')",
    "<pre>\n```python\nx = 1\n</pre>\n\nafter",
    "~~~\n# not a heading\n<!-- llmeng:end id=e1 crc=00000000 -->\n~~~\n\n# a heading",
    "says <!-- llmeng:entry id=x --> and <!-- llmeng-esc --> inline",
    "héllo ✓ 日本",
    "line\n\n\n\nblank lines inside\n    indented code",
)


def _log(rng: random.Random, *, closed: bool) -> str:
    count = rng.randint(0, 6)
    entries = "".join(_entry(i, rng.choice(BODIES)) for i in range(count))
    return HEADER + entries + ("<!-- llmeng:closed time=2026-11-22T04:00:00Z -->\n" if closed else "")


def _cut(text: str, rng: random.Random) -> str:  # a writer killed mid-entry, then another entry
    return text[: rng.randrange(len(text) + 1)] + "\n\n" + _entry(99, rng.choice(BODIES))


def _drop_line(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    del lines[rng.randrange(len(lines))]
    return "\n".join(lines)


def _edit(text: str, rng: random.Random) -> str:
    at = rng.randrange(len(text))
    return text[:at] + rng.choice("x#`~\n") + text[at + 1 :]


def _insert(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    stray = (
        "a hand-written note",
        "```",
        "<pre>",
        "<!-- llmeng:end id=e1 crc=0123abcd -->",
        "<!-- llmeng:entry id=e7 agent=a source=cli time=t redacted=0 -->",
        "<!-- llmeng:closed time=2026-11-22T04:00:00Z -->",
        "<!-- llmeng:entry id=torn agent=a sou",
        "<!-- llmeng:session v=1 -->",
    )
    lines.insert(rng.randrange(len(lines) + 1), rng.choice(stray))
    return "\n".join(lines)


DAMAGE = {
    "torn": _cut,
    "line dropped": _drop_line,
    "hand edit": _edit,
    "text inserted": _insert,
    "crlf": lambda text, rng: text.replace("\n", "\r\n"),
    "lone cr": lambda text, rng: text.replace("\n", "\r", rng.randint(1, 20)),
    "no session mark": lambda text, rng: text.replace("<!-- llmeng:session v=1 -->", "", 1),
    "no final newline": lambda text, rng: text.rstrip("\n"),
}


@pytest.mark.parametrize("damage", [*DAMAGE, "mixed"])
def test_streaming_read_matches_the_whole_text_parser(tmp_path, damage):
    path = tmp_path / "log.md"
    for seed in range(60):
        rng = random.Random(f"{damage}-{seed}")
        text = _log(rng, closed=rng.random() < 0.3)
        for name in rng.sample(sorted(DAMAGE), 3) if damage == "mixed" else [damage]:
            text = DAMAGE[name](text, rng)
        expected = parse_before_streaming(text)
        assert parse_session(text) == expected, (seed, text)
        path.write_text(text, encoding="utf-8", newline="")
        assert read_session(path) == expected, (seed, text)


def test_streaming_read_replaces_bad_utf8_as_decoding_the_whole_file_did(tmp_path):
    path = tmp_path / "log.md"
    bad = (b"\xff", b"\xe2\x82", b"\xc3", b"\xf0\x9f\x98", b"\xed\xa0\x80")
    for seed in range(40):
        rng = random.Random(seed)
        data = bytearray((HEADER + "".join(_entry(i, rng.choice(BODIES)) for i in range(4))).encode())
        for _ in range(3):  # often just before a line end, where a line-by-line reader cuts
            newlines = [i for i, b in enumerate(data) if b == 10]
            at = rng.choice(newlines) if rng.random() < 0.5 else rng.randrange(len(data))
            data[at:at] = rng.choice(bad) + (b"\r" if rng.random() < 0.3 else b"")
        path.write_bytes(bytes(data))
        assert read_session(path) == parse_before_streaming(data.decode("utf-8", "replace")), seed


def test_the_scan_yields_each_entry_before_reading_the_rest():
    text = HEADER + "".join(_entry(i) for i in range(1000))
    read = 0

    def lines():
        nonlocal read
        for line in text.split("\n"):
            read += 1
            yield line

    log = LogStream(scan_session(lines(), header=True))
    assert (log.title, log.fields) == ("T", {"session": "s"}) and read < 10
    first = next(log.entries)
    assert first.id == "e0" and read < 20
    with pytest.raises(RuntimeError, match="read every entry first"):
        log.problems  # noqa: B018 (the property raises)
    assert sum(1 for _ in log.entries) == 999 and log.problems == () and log.closed is None


class _CountingFile(io.BytesIO):
    def close(self) -> None:
        self.closed_by_reader = True
        super().close()


def test_stream_session_reads_a_buffer_at_a_time_and_closes_the_file(tmp_path, monkeypatch):
    data = (HEADER + "".join(_entry(i, "x" * 1000) for i in range(2000))).encode()
    f = _CountingFile(data)
    monkeypatch.setattr(parse, "open_regular", lambda path, follow: f)
    with stream_session(tmp_path / "log.md") as log:
        assert next(log.entries).id == "e0"
        assert f.tell() < 64 * 1024 < len(data)  # 2 MB log, read a buffer at a time
    assert f.closed_by_reader


def test_stream_session_refuses_a_symlinked_log(tmp_path, session):
    link = tmp_path / "link.md"
    link.symlink_to(session.path)
    with pytest.raises(NotReadable):
        stream_session(link)
    assert read_session(session.path).title == "Harden retries"
