"""`llmeng audit`: formats, exit codes, output file, help."""

from __future__ import annotations

import json

from llmeng.cli import main

BAD = "from openai import OpenAI\nOpenAI(timeout=None).chat.completions.create(model='gpt-4o', messages=[])\n"


def test_markdown_report_groups_by_severity_and_exits_1(tmp_path, capsys):
    (tmp_path / "app.py").write_text(BAD)
    assert main(["audit", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("# LLM integration audit")
    assert "## High priority" in out and f"`{tmp_path / 'app.py'}:2`" in out and "LLM101" in out


def test_fail_on_and_min_severity(tmp_path, capsys):
    (tmp_path / "app.py").write_text(BAD)
    assert main(["audit", str(tmp_path), "--fail-on", "critical"]) == 0
    assert main(["audit", str(tmp_path), "--fail-on", "never"]) == 0
    capsys.readouterr()
    assert main(["audit", str(tmp_path), "--min-severity", "high", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert {f["severity"] for f in data["findings"]} <= {"high", "critical"}


def test_json_and_sarif_formats(tmp_path, capsys):
    (tmp_path / "app.py").write_text(BAD)
    main(["audit", str(tmp_path), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["files_scanned"] == 1 and any(f["rule"] == "LLM101" for f in data["findings"])
    main(["audit", str(tmp_path), "--format", "sarif"])
    log = json.loads(capsys.readouterr().out)
    assert log["version"] == "2.1.0" and log["runs"][0]["results"]


def test_output_file_is_written_whole(tmp_path, capsys):
    (tmp_path / "app.py").write_text(BAD)
    target = tmp_path / "out" / "audit.sarif"
    assert main(["audit", str(tmp_path / "app.py"), "--format", "sarif", "-o", str(target)]) == 1
    assert json.loads(target.read_text())["version"] == "2.1.0"
    assert capsys.readouterr().out == ""
    assert [p.name for p in target.parent.iterdir()] == ["audit.sarif"]


def test_clean_code_exits_0(tmp_path, capsys):
    (tmp_path / "util.py").write_text("def add(a, b):\n    return a + b\n")
    assert main(["audit", str(tmp_path)]) == 0
    assert "No gaps found" in capsys.readouterr().out


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["audit", str(tmp_path / "missing")]) == 2
    (tmp_path / "notes.txt").write_text("x")
    assert main(["audit", str(tmp_path)]) == 2
    assert "fix:" in capsys.readouterr().err


def test_parse_errors_and_skips_are_noticed_on_stderr(tmp_path, capsys):
    (tmp_path / "app.py").write_text(BAD)
    (tmp_path / "broken.py").write_text("import openai\ndef f(:\n")
    main(["audit", str(tmp_path)])
    captured = capsys.readouterr()
    assert "notice:" in captured.err and "broken.py" in captured.err
    assert "Files that could not be parsed" in captured.out


def test_help_has_an_example(capsys):
    assert main(["audit", "--help"]) == 0
    assert "Example:" in capsys.readouterr().out


def test_progress_bar_draws_only_for_large_trees(capsys):
    from llmeng.cli.audit import _ProgressBar

    small, large = _ProgressBar(), _ProgressBar()
    small(10, 10)
    assert capsys.readouterr().err == ""
    for done in (100, 250, 400):
        large(done, 400)
    assert "auditing" in capsys.readouterr().err
