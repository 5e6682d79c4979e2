"""The audit door: config lookup, the rule and severity filters, confinement, snippets, exit codes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from llmeng.audit import api
from llmeng.errors import LlmengError
from llmeng.findings import Severity
from llmeng.report.audit import as_dict

TODAY = date(2026, 11, 22)
APP = (
    "from openai import OpenAI\n\nclient = OpenAI()\n\n\ndef answer(q):\n"
    '    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": q}])\n'
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(APP)
    (tmp_path / "src" / "broken.py").write_text("import openai\ndef (:\n")
    return tmp_path


def test_a_folder_is_audited_with_notices_for_files_that_do_not_parse(project: Path) -> None:
    done = api.audit([str(project / "src")], today=TODAY)
    assert "LLM102" in {f.rule_id for f in done.shown}
    assert [n.path for n in done.notices] == [str(project / "src" / "broken.py")]


def test_min_severity_and_rules_filter_what_is_shown(project: Path) -> None:
    everything = api.audit([str(project / "src")], today=TODAY)
    high = api.audit([str(project / "src")], today=TODAY, min_severity="high")
    assert high.shown == everything.result.at_least(Severity.HIGH)
    only = api.audit([str(project / "src")], today=TODAY, rules=["llm102 "])
    assert {f.rule_id for f in only.shown} == {"LLM102"}


def test_an_unknown_rule_id_is_refused_with_the_known_ones(project: Path) -> None:
    with pytest.raises(LlmengError, match="Unknown rule id") as e:
        api.audit([str(project)], today=TODAY, rules=["LLM999"])
    assert "LLM101" in e.value.fix


def test_fail_on_decides_the_exit_code(project: Path) -> None:
    done = api.audit([str(project / "src")], today=TODAY)
    worst = max(f.severity.rank for f in done.shown)
    assert done.exit_code("low") == 1
    assert done.exit_code("never") == 0
    above = [s for s in api.SEVERITIES if Severity(s).rank > worst]
    assert all(done.exit_code(s) == 0 for s in above)


def test_the_project_config_applies(project: Path) -> None:
    (project / "src" / "pyproject.toml").write_text('[tool.llmeng.audit]\ndisable = ["LLM102"]\n')
    assert "LLM102" not in {f.rule_id for f in api.audit([str(project / "src")], today=TODAY).shown}
    snippet = api.audit(code=APP, root=project / "src", today=TODAY)
    assert "LLM102" not in {f.rule_id for f in snippet.shown}
    assert "LLM102" in {f.rule_id for f in api.audit(code=APP, today=TODAY).shown}  # no root: defaults


def test_with_a_root_paths_stay_inside_and_must_exist(project: Path) -> None:
    done = api.audit(["src/app.py"], root=project, today=TODAY)
    assert as_dict(done.result, done.shown, root=project)["findings"][0]["path"] == "src/app.py"
    with pytest.raises(LlmengError, match="outside"):
        api.audit(["../x"], root=project, today=TODAY)
    with pytest.raises(LlmengError, match="does not exist"):
        api.audit(["missing.py"], root=project, today=TODAY)


@pytest.mark.parametrize(
    ("paths", "code", "message"),
    [
        (["src"], APP, "Both `path` and `code`"),
        ([""], "  ", "Nothing to audit"),
        ([], "def (:", "does not parse"),
    ],
)
def test_bad_input_says_what_to_fix(project: Path, paths: list[str], code: str, message: str) -> None:
    with pytest.raises(LlmengError, match=message) as e:
        api.audit(paths, code=code, root=project, today=TODAY)
    assert e.value.fix


def test_the_catalog_is_loaded_once_per_process() -> None:
    assert api._catalog() is api._catalog()


def test_save_writes_the_report_into_a_new_folder(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "audit.sarif"
    api.save(target, "{}\n")
    api.save(target, "{ }\n")
    assert target.read_text() == "{ }\n"
    assert [p.name for p in target.parent.iterdir()] == ["audit.sarif"]


def test_rules_are_the_audit_registry() -> None:
    assert all(r.id.startswith("LLM") for r in api.rules())
