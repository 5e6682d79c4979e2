from pathlib import Path

from llmeng.sessions.transcript import scan_transcript

FIXTURES = Path(__file__).parent.parent / "fixtures" / "hooks"


def test_2_1_197_final_text_joins_text_blocks_of_last_assistant_line():
    facts = scan_transcript(FIXTURES / "transcript-2.1.197.jsonl")
    assert facts.last_text == "## Findings\n\n- The client has no timeout.\n\n- Retries are unbounded."
    assert not facts.appended_itself


def test_2_1_330_skips_api_errors_request_lines_and_broken_json():
    facts = scan_transcript(FIXTURES / "transcript-2.1.330.jsonl")
    assert facts.last_text == "Recall@10 drops from 0.91 to 0.74 with int8 quantization."


def test_successful_append_by_the_agent_is_detected():
    assert scan_transcript(FIXTURES / "transcript-self-appended.jsonl").appended_itself


def test_failed_append_by_the_agent_does_not_count():
    facts = scan_transcript(FIXTURES / "transcript-append-failed.jsonl")
    assert not facts.appended_itself
    assert facts.last_text == "Could not append; findings: cache the embeddings."


def test_mcp_append_tool_counts(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(
        '{"type": "assistant", "message": {"role": "assistant", "content": '
        '[{"type": "tool_use", "id": "t1", '
        '"name": "mcp__llmeng__session_append", "input": {}}]}}\n'
        '{"type": "user", "message": {"role": "user", "content": '
        '[{"type": "tool_result", "tool_use_id": "t1", '
        '"content": "ok"}]}}\n'
    )
    assert scan_transcript(path).appended_itself


def _assistant(text):
    import json

    return json.dumps(
        {"type": "assistant", "message": {"role": "assistant", "content": [{"type": "text", "text": text}]}}
    )


def test_a_fifo_or_device_transcript_is_refused_at_once(tmp_path):
    import os

    import pytest

    from llmeng.fsutil import NotReadable

    os.mkfifo(tmp_path / "t.jsonl")
    (tmp_path / "zero.jsonl").symlink_to("/dev/zero")
    for name in ("t.jsonl", "zero.jsonl"):
        with pytest.raises(NotReadable, match="not a regular file"):
            scan_transcript(tmp_path / name)


def test_only_the_tail_of_a_large_transcript_is_read_and_overlong_lines_are_dropped(tmp_path, monkeypatch):
    from llmeng.sessions import transcript

    monkeypatch.setattr(transcript, "TAIL_MAX_BYTES", 4096)
    monkeypatch.setattr(transcript, "LINE_MAX_BYTES", 1024)
    path = tmp_path / "t.jsonl"
    early = _assistant("early") + "\n"
    filler = ("x" * 200 + "\n") * 40  # 8 KiB of tool output: pushes `early` out of the tail
    overlong = _assistant("y" * 3000) + "\n"
    path.write_text(early + filler + _assistant("final") + "\n" + overlong)
    assert scan_transcript(path).last_text == "final"
    path.write_text(early)
    assert scan_transcript(path).last_text == "early"
