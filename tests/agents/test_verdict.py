"""Every file gets one of three verdicts, the same in text, JSON and SARIF, and the counts add up."""

from __future__ import annotations

import json

from llmeng.findings import Verdict, verdict_of
from llmeng.report import agents

from .conftest import Sandbox, agent

NOT_LOADED = agent("hooks: []\n", name="hooked")
CANNOT_START = agent(name="vscode", tools="codebase, runCommands")
LOADED = agent(name="reviewer")


def _three(sandbox: Sandbox):  # type: ignore[no-untyped-def]
    sandbox.write("hooked.md", NOT_LOADED)
    sandbox.write("vscode.md", CANNOT_START)
    sandbox.write("reviewer.md", LOADED)
    return sandbox.lint()


def test_the_worst_effect_decides_and_no_effect_means_loaded() -> None:
    assert verdict_of([]) is Verdict.LOADED
    assert verdict_of([None, Verdict.CANNOT_START]) is Verdict.CANNOT_START
    assert verdict_of([Verdict.CANNOT_START, Verdict.NOT_LOADED, None]) is Verdict.NOT_LOADED


def test_each_file_gets_its_verdict(sandbox: Sandbox) -> None:
    verdicts = {f.display: f.verdict for f in _three(sandbox).files}
    assert verdicts == {
        "hooked.md": Verdict.NOT_LOADED,
        "vscode.md": Verdict.CANNOT_START,
        "reviewer.md": Verdict.LOADED,
    }


def test_an_agent_that_cannot_start_is_still_loaded(sandbox: Sandbox) -> None:
    vscode = next(f for f in _three(sandbox).files if f.display == "vscode.md")
    assert vscode.loads and vscode.verdict is Verdict.CANNOT_START


def test_json_gives_every_file_its_verdict_and_the_summary_counts_them(sandbox: Sandbox) -> None:
    data = agents.render_json(_three(sandbox))
    per_file = [f["verdict"] for f in data["files"]]
    assert data["summary"]["verdicts"] == {str(v): per_file.count(str(v)) for v in Verdict}
    assert sum(data["summary"]["verdicts"].values()) == data["summary"]["files"] == 3
    assert data["summary"]["loads"] == sum(f["loads"] for f in data["files"]) == 2


def test_text_json_and_sarif_say_the_same(sandbox: Sandbox) -> None:
    result = _three(sandbox)
    text = agents.render(result, "text")
    data = json.loads(agents.render(result, "json"))
    sarif = json.loads(agents.render(result, "sarif"))["runs"][0]
    by_json = {f["path"]: f["verdict"] for f in data["files"]}
    by_sarif = {a["location"]["uri"]: a["properties"]["verdict"] for a in sarif["artifacts"]}
    assert by_json == by_sarif
    for path, verdict in by_json.items():
        assert f"{path}: {verdict}\n" in text
    assert sarif["properties"]["verdicts"] == data["summary"]["verdicts"]
    assert "1 not loaded, 1 loaded but cannot be started, 1 loaded." in text


def test_ignoring_a_rule_hides_it_but_keeps_the_verdict(sandbox: Sandbox) -> None:
    sandbox.write("hooked.md", NOT_LOADED)
    (file,) = sandbox.lint(ignore=["AG218"]).files
    assert file.findings == () and file.verdict is Verdict.NOT_LOADED


def test_a_plugin_agent_with_broken_yaml_still_loads(sandbox: Sandbox) -> None:
    root = sandbox.plugin()
    sandbox.write(
        str((root / "agents" / "x.md").relative_to(sandbox.root)),
        "---\nname: x\ndescription: [a\n  tools: {\n---\nBody.\n",
    )
    (file,) = sandbox.lint(root).files
    assert {f.rule_id for f in file.findings} >= {"AG102"}
    assert file.verdict is Verdict.LOADED
