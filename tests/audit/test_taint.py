"""Data flow for LLM202/LLM203 beyond the fixtures: streams, helpers, sanitizers, guards."""

from __future__ import annotations

from llmeng.audit import audit_source
from llmeng.findings import Confidence, Severity

HEAD = "import os, subprocess, json\nfrom openai import OpenAI\nc = OpenAI(timeout=30)\n"


def _203(code: str):
    return [f for f in audit_source(HEAD + code, "m.py").findings if f.rule_id == "LLM203"]


def test_streamed_chunks_accumulated_then_executed():
    code = (
        "def f(q):\n    text = ''\n    stream = c.chat.completions.create(model='m', messages=q, stream=True)\n"
        "    for chunk in stream:\n        text += chunk.choices[0].delta.content\n    eval(text)\n"
    )
    [f] = _203(code)
    assert f.location.line == 6 and f.evidence["sink"] == "eval() at line 9"


def test_helper_that_returns_output_and_helper_that_runs_its_parameter():
    code = (
        "def gen(q):\n    r = c.chat.completions.create(model='m', messages=q)\n"
        "    return r.choices[0].message.content\n\n\n"
        "def run(cmd):\n    subprocess.run(cmd, shell=True)\n\n\n"
        "def main(q):\n    run(gen(q))\n"
    )
    [f] = _203(code)
    assert f.location.line == 5 and "in run()" in f.evidence["sink"]


def test_sanitizers_and_safe_calls_stop_the_flow():
    code = (
        "def f(q):\n    r = c.chat.completions.create(model='m', messages=q)\n"
        "    data = json.loads(r.choices[0].message.content)\n    subprocess.run(['ls', '-l'])\n"
        "    eval(str(len(data)))\n"
    )
    assert _203(code) == []


def test_confirmation_downgrades_to_high_with_low_confidence():
    code = (
        "def f(q):\n    cmd = c.chat.completions.create(model='m', messages=q).choices[0].message.content\n"
        "    if confirm(cmd):\n        os.system(cmd)\n"
    )
    [f] = _203(code)
    assert f.severity == Severity.HIGH and f.confidence == Confidence.LOW and f.evidence["guarded"] is True


def test_with_block_streams_carry_output():
    code = (
        "def f(q):\n    with c.responses.stream(model='m', input=q) as s:\n"
        "        exec(s.get_final_response().output_text)\n"
    )
    assert [f.location.line for f in _203(code)] == [5]


def test_prompt_injection_from_streamlit_input_is_high_confidence():
    code = (
        "import streamlit as st\nrole = st.text_input('role')\n"
        "c.chat.completions.create(model='m', messages=[{'role': 'system', 'content': 'Act as ' + role}])\n"
    )
    found = [f for f in audit_source(HEAD + code, "m.py").findings if f.rule_id == "LLM202"]
    assert found and found[0].confidence == Confidence.HIGH
