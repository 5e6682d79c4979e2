"""The CLI adapter, called as `main([...])`: exit codes, output formats, --fix, schema, rules."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import jsonschema
import pytest
import yaml

from llmeng.cli import main

REPO = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text("utf-8"))
CLEAN = (
    "---\nname: reviewer\ndescription: Reviews diffs for bugs.\ntools: Read, Grep\n---\nYou review diffs.\n"
)
ERROR = "---\nname: broken\ndescription: Reviews diffs.\ntools: Read\nhooks: []\n---\nBody.\n"
WARNING = "---\nname: colourful\ndescription: Reviews diffs.\ntools: Read\ncolor: magenta\n---\nBody.\n"
INFO = "---\nname: open\ndescription: Reviews diffs.\n---\nBody.\n"
# Strict YAML fails (AG103), plus CRLF, a BOM, `allowed-tools` and space-separated tools: all fixable.
FIXABLE = (
    "\ufeff---\r\nname: fixme\r\ndescription: Use when: the user asks\r\nallowed-tools: Read Grep\r\n"
    "---\r\nYou review diffs.\r\n"
)


def test_version_exits_zero(capsys):
    assert main(["--version"]) == 0
    assert "llmeng" in capsys.readouterr().out


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current folder, with HOME and the Claude config dir pointing at an empty temp home."""
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.chdir(work)
    return work


def _write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["validate", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_clean_file_exits_0(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(work, "reviewer.md", CLEAN)
    assert main(["validate", "reviewer.md"]) == 0
    out = capsys.readouterr().out
    assert "reviewer.md: loaded\n" in out
    assert "0 errors, 0 warnings, 0 info; 0 not loaded, 0 loaded but cannot be started, 1 loaded." in out


def test_error_exits_1_and_says_the_agent_will_not_load(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(work, "broken.md", ERROR)
    assert main(["validate", "broken.md"]) == 1
    out = capsys.readouterr().out
    assert "broken.md: not loaded\n" in out
    assert "5:1  error   AG218" in out


def test_warnings_exit_0_unless_strict(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(work, "colourful.md", WARNING)
    assert main(["validate", "colourful.md"]) == 0
    assert main(["validate", "--strict", "colourful.md"]) == 1
    assert "AG211" in capsys.readouterr().out


def test_info_findings_exit_0_even_when_strict(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(work, "open.md", INFO)
    assert main(["validate", "--strict", "open.md"]) == 0
    assert "AG308" in capsys.readouterr().out


def test_quiet_hides_info(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(work, "open.md", INFO)
    assert main(["validate", "-q", "open.md"]) == 0
    out = capsys.readouterr().out
    assert "AG308" not in out
    assert "1 info" in out


def test_ignore_drops_rules_comma_separated_or_repeated(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(work, "broken.md", ERROR)
    _write(work, "colourful.md", WARNING)
    assert main(["validate", "--strict", "--ignore", "ag218,AG211", "broken.md", "colourful.md"]) == 0
    assert main(["validate", "--ignore", "AG211", "--ignore", "AG218", "--strict", "."]) == 0
    assert "AG218" not in capsys.readouterr().out


def test_zero_files_found_exits_2(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "empty").mkdir()
    _write(work, "empty/notes.txt", "not markdown")
    assert main(["validate", "empty"]) == 2
    assert "no agent files (*.md) found under: empty" in capsys.readouterr().err


def test_no_paths_and_no_default_folders_exits_2(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    assert f"no agent files (*.md) found under: {work / '.claude' / 'agents'} or {work / 'agents'}" in err
    assert "fix: Pass an agent file or a folder" in err


def test_default_folders_are_validated(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(work, ".claude/agents/reviewer.md", CLEAN)
    _write(work, "agents/broken.md", ERROR)
    code, report = _json(capsys)
    assert code == 1
    assert sorted(f["path"] for f in report["files"]) == [".claude/agents/reviewer.md", "agents/broken.md"]


def test_missing_path_exits_2_while_other_files_get_verdicts(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(work, "reviewer.md", CLEAN)
    _write(work, "broken.md", ERROR)
    code, report = _json(capsys, "reviewer.md", "nope.md", "broken.md")
    assert code == 2
    assert report["missing"] == ["nope.md"]
    verdicts = {f["path"]: f["loads"] for f in report["files"]}
    assert verdicts == {"reviewer.md": True, "broken.md": False}
    assert main(["validate", "reviewer.md", "nope.md"]) == 2
    assert "nope.md: error: no such file or directory" in capsys.readouterr().out


def test_unreadable_file_never_aborts_the_run(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(work, "reviewer.md", CLEAN)
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(work / "socket.md"))
        code, report = _json(capsys, "socket.md", "reviewer.md")
    assert code == 1
    by_path = {f["path"]: f for f in report["files"]}
    assert [x["rule"] for x in by_path["socket.md"]["findings"]] == ["AG113"]
    assert by_path["reviewer.md"]["findings"] == []


@pytest.mark.parametrize(
    "hostile",
    [
        b"\x00\xff\xfe binary \x00",
        b"---\nname: x\nbomb: &a [*a, *a]\n---\n",
        b"---\nname: &a [" + b"*a, " * 2000 + b"]\n---\n",
        b"---\nname: !!python/object/apply:os.system ['false']\n---\n",
        b"---\n" + b"[" * 2000 + b"]" * 2000 + b"\n---\n",
        b"---\ndescription: " + b"a: " * 200_000 + b"\n---\n",
    ],
)
def test_hostile_file_never_aborts_the_run(
    work: Path, capsys: pytest.CaptureFixture[str], hostile: bytes
) -> None:
    _write(work, "reviewer.md", CLEAN)
    _write(work, "hostile.md", hostile)
    code, report = _json(capsys, ".")
    assert code == 1
    by_path = {f["path"]: f for f in report["files"]}
    assert set(by_path) == {"hostile.md", "reviewer.md"}
    assert not by_path["hostile.md"]["loads"]
    assert by_path["reviewer.md"]["findings"] == []


def test_json_shape(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(work, "reviewer.md", CLEAN)
    _write(work, "broken.md", ERROR)
    _write(work, "colourful.md", WARNING)
    code, report = _json(capsys, ".")
    assert code == 1
    assert set(report) == {"claude_code_version", "spec_as_of", "summary", "missing", "files"}
    assert report["claude_code_version"] == "2.1.330"
    assert report["summary"] == {
        "files": 3,
        "errors": 1,
        "warnings": 1,
        "info": 0,
        "loads": 2,
        "verdicts": {"not loaded": 1, "loaded but cannot be started": 0, "loaded": 2},
    }
    assert report["missing"] == []
    broken = next(f for f in report["files"] if f["path"] == "broken.md")
    assert broken["name"] == "broken" and broken["scope"] == "source" and broken["loads"] is False
    assert broken["verdict"] == "not loaded"
    (finding,) = broken["findings"]
    assert set(finding) == {
        "rule",
        "severity",
        "category",
        "message",
        "path",
        "line",
        "col",
        "fix",
        "confidence",
        "evidence",
        "effect",
    }
    assert finding["effect"] == "not loaded"
    assert (finding["rule"], finding["severity"], finding["category"], finding["line"]) == (
        "AG218",
        "error",
        "fields",
        5,
    )


def test_sarif_is_valid_and_every_result_has_a_category(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(work, "reviewer.md", CLEAN)
    _write(work, "broken.md", ERROR)
    _write(work, "colourful.md", WARNING)
    _write(work, "open.md", INFO)
    assert main(["validate", "--format", "sarif", "."]) == 1
    log = json.loads(capsys.readouterr().out)
    jsonschema.validate(log, SARIF_SCHEMA)
    run = log["runs"][0]
    results = run["results"]
    assert {r["ruleId"] for r in results} == {"AG218", "AG211", "AG308"}
    for r in results:
        assert r["properties"]["category"]
        assert run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
    levels = {r["ruleId"]: r["level"] for r in results}
    assert levels == {"AG218": "error", "AG211": "warning", "AG308": "note"}
    assert sorted(a["location"]["uri"] for a in run["artifacts"]) == [
        "broken.md",
        "colourful.md",
        "open.md",
        "reviewer.md",
    ]


def test_fix_shows_a_diff_writes_atomically_and_the_file_then_validates(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(work, "fixme.md", FIXABLE)
    path.chmod(0o640)
    before = path.stat().st_ino
    code, report = _json(capsys, "fixme.md")
    # Claude Code never rewrites a CRLF line in its lenient retry, so as written the file does not load
    # (AG102); once --fix has made it LF, the quoting fix (AG103) applies as well.
    assert {x["rule"] for x in report["files"][0]["findings"]} >= {"AG102", "AG106", "AG107"}
    assert report["files"][0]["verdict"] == "not loaded"
    main(["validate", "--fix", "fixme.md"])
    err = capsys.readouterr().err
    assert "--- a/fixme.md" in err and "+++ b/fixme.md" in err
    assert '+description: "Use when: the user asks"' in err
    assert "+tools: Read, Grep" in err
    assert "fixed fixme.md: AG106, AG107, AG103, AG220, tools-format" in err
    # Written by rename (a new inode), keeping the mode, with no temp file left behind.
    assert path.stat().st_ino != before
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in work.iterdir()) == ["fixme.md"]
    text = path.read_bytes()
    assert not text.startswith(b"\xef\xbb\xbf") and b"\r\n" not in text
    data = yaml.safe_load(text.decode().split("---\n")[1])
    assert data == {"name": "fixme", "description": "Use when: the user asks", "tools": "Read, Grep"}
    code, report = _json(capsys, "fixme.md")
    assert (code, report["files"][0]["findings"]) == (0, [])


def test_fix_repairs_mojibake(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    garbled = "\u2192".encode().decode("mac_roman")
    path = _write(work, "reviewer.md", CLEAN.replace("You review diffs.", f"Findings {garbled} report."))
    assert main(["validate", "--fix", "reviewer.md"]) == 0
    assert "Findings \u2192 report." in path.read_text("utf-8")
    assert "AG108" not in capsys.readouterr().out


def test_fix_is_a_no_op_on_a_clean_file(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(work, "reviewer.md", CLEAN)
    stat = path.stat()
    assert main(["validate", "--fix", "reviewer.md"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert path.read_text("utf-8") == CLEAN
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)


def test_fix_twice_changes_nothing_the_second_time(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(work, "fixme.md", FIXABLE)
    main(["validate", "--fix", "fixme.md"])
    once = path.read_bytes()
    capsys.readouterr()
    main(["validate", "--fix", "fixme.md"])
    assert path.read_bytes() == once
    assert capsys.readouterr().err == ""


def test_fix_leaves_unfixable_and_unreadable_files_alone(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = _write(work, "broken.md", ERROR)
    latin = _write(work, "latin.md", CLEAN.replace("diffs.\n", "caf\u00e9.\n").encode("latin-1"))
    assert main(["validate", "--fix", "."]) == 1
    assert broken.read_text("utf-8") == ERROR
    assert latin.read_bytes().endswith(b"caf\xe9.\n")
    assert "fixed" not in capsys.readouterr().err


def test_schema_agent_is_a_valid_json_schema(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "agent"]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["required"] == ["name", "description"]


def _schema(capsys: pytest.CaptureFixture[str]) -> jsonschema.Draft7Validator:
    assert main(["schema"]) == 0
    return jsonschema.Draft7Validator(json.loads(capsys.readouterr().out))


BUNDLED = sorted((REPO / "agents").glob("*.md"))


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_schema_accepts_every_bundled_agent(
    work: Path, capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    frontmatter = yaml.safe_load(path.read_text("utf-8").split("---\n")[1])
    errors = [e.message for e in _schema(capsys).iter_errors(frontmatter)]
    assert errors == []


@pytest.mark.parametrize(
    "frontmatter",
    [
        {"description": "no name"},
        {"name": "team:x", "description": "d"},
        {"name": "-x", "description": "d"},
        {"name": "x", "description": ""},
        {"name": "x", "description": "d", "color": "magenta"},
        {"name": "x", "description": "d", "tool": "Read"},
        {"name": "x", "description": "d", "hooks": []},
        {"name": "x", "description": "d", "maxTurns": 0},
    ],
)
def test_schema_rejects_what_claude_code_rejects(
    work: Path, capsys: pytest.CaptureFixture[str], frontmatter: dict
) -> None:
    assert list(_schema(capsys).iter_errors(frontmatter))


def test_bundled_agents_validate_with_zero_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.chdir(REPO)
    assert BUNDLED
    code, report = _json(capsys, "--strict", "agents")
    assert code == 0
    assert report["summary"] == {
        "files": len(BUNDLED),
        "errors": 0,
        "warnings": 0,
        "info": 0,
        "loads": len(BUNDLED),
        "verdicts": {"not loaded": 0, "loaded but cannot be started": 0, "loaded": len(BUNDLED)},
    }
    assert [f["findings"] for f in report["files"]] == [[] for _ in BUNDLED]


def test_rules_lists_every_agent_rule(capsys: pytest.CaptureFixture[str]) -> None:
    from llmeng.agents.registry import RULES

    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for rule in RULES:
        assert f"| {rule.id} | {rule.name} | {rule.severity} |" in out
    assert main(["rules", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in listed if r["id"].startswith("AG")] == [r.id for r in RULES]
    assert {"id", "name", "severity", "category", "summary", "fix", "fixable"} <= set(listed[0])


def test_rules_markdown_has_a_section_per_rule(capsys: pytest.CaptureFixture[str]) -> None:
    from llmeng.agents.registry import RULES

    assert main(["rules", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# llmeng rule reference")
    assert all(f"### {r.id} {r.name}" in out for r in RULES)


def test_explain_AG301(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "AG301"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("### AG301 tools-empty")
    assert "*Severity:* warning" in out
    assert "**Example that fires:**\n\n```\n---\nname: reviewer" in out
    assert "**Fix.** List the tools" in out


def test_explain_accepts_lowercase_ids_and_rule_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "ag301"]) == 0
    by_id = capsys.readouterr().out
    assert main(["explain", "tools-empty"]) == 0
    assert capsys.readouterr().out == by_id


def test_explain_unknown_rule_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "AG999"]) == 2
    assert "`llmeng rules` lists them all" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["validate", "schema", "rules", "explain"])
def test_every_command_has_help_with_an_example(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--help"]) == 0
    assert "Example:" in capsys.readouterr().out


def test_unknown_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--no-such-option"]) == 2


def test_jobs_gives_the_same_report_as_one_process(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(210):
        _write(work, f"many/agent-{i:03}.md", CLEAN.replace("reviewer", f"agent-{i:03}") if i % 7 else ERROR)
    code_one, one = _json(capsys, "-j", "1", "many")
    code_two, two = _json(capsys, "-j", "2", "many")
    assert (code_one, code_two) == (1, 1)
    assert one == two
    assert one["summary"]["files"] == 210


def test_a_watch_run_that_fails_reports_and_keeps_watching(capsys: pytest.CaptureFixture[str]) -> None:
    from llmeng.cli.validate import _watched
    from llmeng.errors import LlmengError

    def check() -> int:
        raise LlmengError("no agent files (*.md) found under: agents", "Pass an agent file.")

    _watched(check, (Path("agents"),))
    err = capsys.readouterr().err
    assert "--- validating agents" in err and "error: no agent files" in err and "fix: Pass" in err


def test_help_loads_no_agent_audit_install_or_model_core() -> None:
    # `llmeng --help` imports every command module for its one-line help: those must stay light, the
    # cores loading only when a command runs (the README's start-up figure depends on it).
    import subprocess
    import sys

    probe = (
        "import sys; from llmeng.cli import main; main(['--help']); "
        "print('\\n'.join(m for m in sys.modules if m.startswith('llmeng.')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    loaded = [line for line in out.splitlines() if line.startswith("llmeng.")]
    heavy = [m for m in loaded if m.split(".")[1] in {"agents", "audit", "install", "models"}]
    assert "llmeng.cli.rules" in loaded and heavy == []
