from llmeng.sessions.append import append_entry
from llmeng.sessions.entries import EntryMeta, render_entry
from llmeng.sessions.parse import parse_session, read_session

from .conftest import NOW

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
