import re
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmeng.errors import LlmengError
from llmeng.sessions.entries import (
    BEGIN_RE,
    END_RE,
    EntryMeta,
    check_report,
    decode_body,
    encode_body,
    format_time,
    render_entry,
)
from llmeng.sessions.parse import parse_session

from .conftest import NOW


def test_check_report_normalises_line_endings_bom_and_trailing_space():
    assert check_report("\ufeff# A\r\nb\rc\n\n\n".encode()) == "# A\nb\nc"


def test_check_report_refuses_oversized_input():
    with pytest.raises(LlmengError) as e:
        check_report(b"x" * 11, max_bytes=10)
    assert "11 bytes, over the 10-byte cap" in str(e.value)
    assert "--max-bytes" in e.value.fix


def test_check_report_refuses_invalid_utf8_with_offset():
    with pytest.raises(LlmengError) as e:
        check_report(b"ok \xff\xfe")
    assert "not valid UTF-8 (byte 3)" in str(e.value)
    assert "iconv" in e.value.fix


@pytest.mark.parametrize("data", [b"\x00\x01\x02binary", b"PK\x03\x04zip", b"colour \x1b[31mred"])
def test_check_report_refuses_binary_and_control_characters(data):
    with pytest.raises(LlmengError) as e:
        check_report(data)
    assert "control character" in str(e.value)


@pytest.mark.parametrize("data", [b"", b"  \n\t\n"])
def test_check_report_refuses_empty_input(data):
    with pytest.raises(LlmengError) as e:
        check_report(data)
    assert "empty" in str(e.value)


def test_encode_demotes_headings_outside_fences_only():
    stored, fence_added = encode_body("# Title\n## Sub\n```\n# comment\n```\ntext # not heading")
    assert stored == "### Title\n#### Sub\n```\n# comment\n```\ntext # not heading"
    assert not fence_added


def test_encode_closes_an_open_fence_with_its_own_indent_and_length():
    stored, fence_added = encode_body("  ~~~~ py\ncode")
    assert stored.endswith("\n  ~~~~") and fence_added


def test_encode_escapes_marker_lookalikes_reversibly():
    body = "<!-- llmeng:end id=x crc=0123abcd -->\n<!-- llmeng-esc:entry -->"
    stored, _ = encode_body(body)
    assert "<!-- llmeng:" not in stored
    assert decode_body(stored, fence_added=False) == body


def test_backtick_fence_with_backtick_in_info_is_not_a_fence():
    stored, fence_added = encode_body("``` a`b\n# heading")
    assert stored == "``` a`b\n### heading" and not fence_added


markdownish = st.lists(
    st.sampled_from(
        [
            "# h1",
            "## h2",
            "###### h6",
            "####### seven",
            "#tag",
            "   # indented",
            "    # code",
            "```",
            "```py",
            "~~~",
            "````",
            "   ```",
            "text",
            "",
            "<!-- llmeng:entry id=x -->",
            "<!-- llmeng-esc-esc",
            "<!-- llmeng:end id=x crc=00000000 -->",
            "- item",
            "> quote",
            "<pre>",
            "---",
            "===",
        ]
    ),
    max_size=30,
).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(markdownish)
def test_encode_decode_round_trips_any_body(body):
    stored, fence_added = encode_body(body)
    assert decode_body(stored, fence_added=fence_added) == body
    assert not any(BEGIN_RE.fullmatch(line) or END_RE.fullmatch(line) for line in stored.split("\n"))


@settings(max_examples=150, deadline=None)
@given(st.lists(markdownish.filter(lambda b: b.strip()), min_size=1, max_size=4))
def test_rendered_entries_parse_back_intact(bodies):
    text = "# T\n\n<!-- llmeng:session v=1 -->\n\n"
    expected = []
    for i, body in enumerate(bodies):
        body = check_report(body.encode())
        meta = EntryMeta(f"e{i}", "agent", "script", NOW, None, 0)
        text += render_entry(meta, body)
        expected.append(body)
    log = parse_session(text)
    assert [e.body for e in log.entries] == expected
    assert all(e.intact for e in log.entries)


def test_render_entry_heading_carries_agent_time_source_id_and_redactions():
    meta = EntryMeta("e1", "llm-architect", "hook", NOW, "a35", 2)
    text = render_entry(meta, "body")
    assert text.startswith(
        "<!-- llmeng:entry id=e1 agent=llm-architect source=hook "
        "time=2026-11-22T03:04:05.123456Z agent_id=a35 redacted=2 -->\n"
    )
    assert "## llm-architect · 2026-11-22 03:04:05 UTC · hook · agent id a35 · 2 secrets redacted\n" in text
    assert text.endswith(" -->\n\n")


def test_torn_entry_closer_closes_an_open_fence_and_ends_the_paragraph():
    from llmeng.sessions.entries import torn_entry_closer

    assert torn_entry_closer("<!-- llmeng:entry id=a -->\n## a\n\n  ````py\ncode") == "\n  ````\n\n"
    assert torn_entry_closer("<!-- llmeng:entry id=a -->\n## a\n\ntext\n") == "\n"
    assert torn_entry_closer("```\ncode\n```\nhalf a li") == "\n\n"


def test_is_boundary_accepts_only_end_and_session_markers():
    from llmeng.sessions.entries import is_boundary

    assert is_boundary(b"<!-- llmeng:end id=a crc=0123abcd -->")
    assert is_boundary(b"<!-- llmeng:session v=1 -->")
    assert not is_boundary(b"<!-- llmeng:end id=a crc=0123ab")
    assert not is_boundary(b"some body text -->")


def _encode_line_by_line(text):
    """The per-line rule, for bodies without fences: every ATX heading moves down two levels."""
    lines = [re.sub(r"^( {0,3})#", r"\1###", line, count=1) for line in text.split("\n")]
    return re.sub(r"<!-- llmeng((?:-esc)*)", r"<!-- llmeng-esc\1", "\n".join(lines))


fenceless = st.lists(
    st.sampled_from(
        [
            "# h1",
            "## h2",
            "####### seven",
            "#tag",
            "   # indented",
            "   ### demoted, indented",
            "    # code",
            "    ### code",
            "\t# tab",
            "text # x",
            "",
            "<!-- llmeng:entry id=x -->",
            "<!-- llmeng-esc-esc",
            "<!-- llmeng-esc:end id=x crc=0 -->",
            "`` `",
            "~~",
        ]
    ),
    max_size=30,
).map("\n".join)


@given(fenceless)
def test_bodies_without_fences_encode_as_the_per_line_rule_says(body):
    assert encode_body(body) == (_encode_line_by_line(body), False)


def _decode_line_by_line(stored):
    """The per-line rule, for stored bodies without fences: every ATX heading moves back up two levels."""
    lines = [re.sub(r"^( {0,3})##", r"\1", line, count=1) for line in stored.split("\n")]
    return re.sub(r"<!-- llmeng-esc((?:-esc)*)", r"<!-- llmeng\1", "\n".join(lines))


@given(fenceless)
def test_stored_bodies_without_fences_decode_as_the_per_line_rule_says(stored):
    # Any stored text, not only what encode_body makes: a hand may have edited the log.
    assert decode_body(stored, fence_added=False) == _decode_line_by_line(stored)


def test_headings_and_marker_lookalikes_without_fences():
    body = "# T\n   # three spaces\n    # code, not a heading\ntext # no\n<!-- llmeng:end id=x crc=0 -->"
    stored, fence_added = encode_body(body)
    assert stored == (
        "### T\n   ### three spaces\n    # code, not a heading\ntext # no\n<!-- llmeng-esc:end id=x crc=0 -->"
    )
    assert not fence_added


@given(st.datetimes(min_value=datetime(1000, 1, 1), timezones=st.just(UTC)))
def test_format_time_is_iso_with_microseconds_and_z(moment):
    assert format_time(moment) == moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
