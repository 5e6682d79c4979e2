"""json_safe: what a tool returns always encodes as JSON."""

from __future__ import annotations

from mcp_server.outputs import SkippedOutput, json_safe


def test_a_lone_surrogate_becomes_a_replacement_character_and_a_pair_its_character() -> None:
    assert json_safe({"a": ["x\ud800", "\udcff.py"]}) == {"a": ["x\ufffd", "\ufffd.py"]}
    assert json_safe("\ud83d\ude00") == "\U0001f600"  # a YAML "\ud83d\ude00" is one emoji


def test_a_clean_result_is_returned_as_is() -> None:
    value = {"path": "src/café.py", "n": [1, 2.5, None, True]}
    assert json_safe(value) is value
    model = SkippedOutput(path="a.py", reason="binary")
    assert json_safe(model) is model


def test_a_model_is_rebuilt_with_its_text_made_safe() -> None:
    safe = json_safe(SkippedOutput(path="bad\udcff.py", reason="not UTF-8"))
    assert isinstance(safe, SkippedOutput) and safe.path == "bad\ufffd.py"
    safe.model_dump_json()
