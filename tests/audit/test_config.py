"""[tool.llmeng.audit] settings, suppressions, and SDK versions pinned by the project."""

from __future__ import annotations

import pytest

from llmeng.audit import AuditConfig, audit_paths, audit_source
from llmeng.audit.config import find_pins, load_config, parse_config
from llmeng.audit.registry import RULES
from llmeng.errors import LlmengError
from llmeng.findings import Confidence, Severity

IDS = {r.id for r in RULES}
CALL = "from openai import OpenAI\nOpenAI().chat.completions.create(model='gpt-4o', messages=[])\n"


def test_pyproject_section_disables_excludes_and_overrides(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.llmeng.audit]\ndisable = ["LLM301"]\nexclude = ["tests/*"]\nseverity = { LLM102 = "low" }\n'
    )
    config = load_config(tmp_path, known_rules=IDS)
    assert config.disabled == {"LLM301"}
    assert config.exclude == ("tests/*",)
    assert config.severity == {"LLM102": Severity.LOW}
    (tmp_path / "app.py").write_text(CALL)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_app.py").write_text(CALL)
    result = audit_paths([tmp_path], config=config)
    assert {f.location.path for f in result.findings} == {str(tmp_path / "app.py")}
    assert "LLM301" not in {f.rule_id for f in result.findings}
    assert [f.severity for f in result.findings if f.rule_id == "LLM102"] == [Severity.LOW]


def test_no_pyproject_means_defaults(tmp_path):
    assert load_config(tmp_path, known_rules=IDS) == AuditConfig()


@pytest.mark.parametrize(
    "section, message",
    [
        ({"disable": ["LLM999"]}, "unknown rule id"),
        ({"severity": {"LLM101": "urgent"}}, "invalid severity"),
        ({"exclude": "tests"}, "must be a list"),
        ({"ignore": []}, "unknown key"),
    ],
)
def test_bad_settings_name_the_problem_and_the_fix(section, message):
    with pytest.raises(LlmengError) as e:
        parse_config(section, "pyproject.toml", IDS)
    assert message in str(e.value) and e.value.fix


def test_invalid_toml_is_a_clear_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.llmeng.audit\n")
    with pytest.raises(LlmengError, match="not valid TOML"):
        load_config(tmp_path, known_rules=IDS)


def test_inline_suppression_by_id_and_bare():
    code = (
        "from openai import OpenAI\nc = OpenAI()\n"
        "c.chat.completions.create(model='m', messages=[])  # llmeng: ignore[LLM102, LLM301]\n"
        "c.chat.completions.create(model='m', messages=[])  # llmeng: ignore\n"
        "c.chat.completions.create(model='m', messages=[])\n"
    )
    found = {(f.location.line, f.rule_id) for f in audit_source(code, "s.py").findings}
    assert (3, "LLM102") not in found and (3, "LLM301") not in found and (3, "LLM105") in found
    assert not any(line == 4 for line, _ in found)
    assert (5, "LLM102") in found


def test_suppression_on_the_last_line_of_a_multiline_call():
    code = (
        "from openai import OpenAI\nOpenAI().chat.completions.create(\n"
        "    model='m', messages=[])  # llmeng: ignore[LLM102]\n"
    )
    assert "LLM102" not in {f.rule_id for f in audit_source(code, "s.py").findings}


def test_pins_come_from_requirements_lock_files_and_pyproject(tmp_path):
    (tmp_path / "requirements.txt").write_text("openai==0.28.1\nrequests>=2\n# comment\n")
    (tmp_path / "uv.lock").write_text('[[package]]\nname = "anthropic"\nversion = "0.40.0"\n')
    (tmp_path / "pyproject.toml").write_text('[project]\ndependencies = ["litellm[proxy]==1.50.0"]\n')
    assert find_pins(tmp_path) == {"openai": "0.28.1", "anthropic": "0.40.0", "litellm": "1.50.0"}


def test_pinned_openai_below_1_uses_that_versions_defaults(tmp_path):
    code = "from openai import OpenAI\nOpenAI(timeout=30).chat.completions.create(model='m', messages=[])\n"
    modern = audit_source(code, "a.py")
    legacy = audit_source(code, "a.py", config=AuditConfig(pins={"openai": "0.28.1"}))
    assert "LLM103" not in {f.rule_id for f in modern.findings}
    retries = [f for f in legacy.findings if f.rule_id == "LLM103"]
    assert retries and retries[0].evidence["attempts"]["origin"].startswith("openai default (openai==0.28.1)")


# The code as shipped (audit-rules.md, "Configuration: the code as shipped").


def _found(code: str, rule: str):
    return [f for f in audit_source(code, "s.py").findings if f.rule_id == rule]


def test_a_setting_absent_from_opaque_kwargs_fires_at_medium_confidence_and_says_what_would_change_it():
    code = (
        "from langchain_openai import ChatOpenAI\n\n\n"
        "def build(prompt, **llm_kwargs):\n    return ChatOpenAI(model='m', **llm_kwargs).invoke(prompt)\n"
    )
    [f] = _found(code, "LLM101")
    assert f.confidence == Confidence.MEDIUM
    assert f.message.endswith("unless `llm_kwargs` sets `timeout`)")
    assert f.evidence["timeout"]["unless"] == "`llm_kwargs` sets `timeout`"


def test_a_settings_default_is_the_value_as_shipped():
    code = (
        "from openai import OpenAI\nfrom pydantic_settings import BaseSettings\n\n\n"
        "class Settings(BaseSettings):\n    llm_timeout: float | None = None\n\n\n"
        "OpenAI(timeout=Settings().llm_timeout).chat.completions.create(model='m', messages=[], max_tokens=9)\n"
    )
    [f] = _found(code, "LLM101")
    assert f.confidence == Confidence.MEDIUM and "unless the environment sets llm_timeout" in f.message


def test_click_and_typer_defaults_are_the_values_as_shipped():
    code = (
        "import click, typer\nfrom openai import OpenAI\n\n\n"
        "@click.option('--timeout', default=None)\n@click.option('--retries', required=True)\n"
        "def main(timeout, retries):\n"
        "    OpenAI(timeout=timeout, max_retries=retries).chat.completions.create(model='m', messages=[])\n\n\n"
        "def other(retries: int = typer.Option(0)):\n"
        "    OpenAI(timeout=30, max_retries=retries).chat.completions.create(model='m', messages=[])\n"
    )
    assert [f.location.line for f in _found(code, "LLM101")] == [8]
    assert [f.location.line for f in _found(code, "LLM103")] == [12]
