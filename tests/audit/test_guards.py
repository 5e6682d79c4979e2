"""Breakers and limiters count for LLM107/LLM108 only where they guard an LLM call (guards.py)."""

from __future__ import annotations

import pytest

from llmeng.audit import audit_source

CALL = "client.chat.completions.create(model='m', messages=q, max_tokens=9)"


def _project_rules(code: str) -> set[str]:
    return {f.rule_id for f in audit_source(code, "g.py").findings if f.rule_id in ("LLM107", "LLM108")}


@pytest.mark.parametrize(
    "code, passes",
    [
        (
            (
                "from circuitbreaker import circuit\nfrom openai import OpenAI\nclient = OpenAI(timeout=9)\n\n\n"
                f"@circuit(failure_threshold=3)\ndef ask(q):\n    return {CALL}\n"
            ),
            "LLM107",
        ),
        (
            (
                "from openai import OpenAI\n\n\nclass LLMCircuitBreaker:\n    def __enter__(self):\n        return self\n\n"
                "    def __exit__(self, *a):\n        return False\n\n\nclass Bot:\n    def __init__(self):\n"
                "        self.client = OpenAI(timeout=9)\n        self.breaker = LLMCircuitBreaker()\n\n"
                "    def ask(self, q):\n        with self.breaker:\n"
                "            return self.client.chat.completions.create(model='m', messages=q, max_tokens=9)\n"
            ),
            "LLM107",
        ),
        (
            (
                "from ratelimit import limits, sleep_and_retry\nfrom openai import OpenAI\nclient = OpenAI(timeout=9)\n\n\n"
                f"@sleep_and_retry\n@limits(calls=5, period=1)\ndef ask(q):\n    return {CALL}\n"
            ),
            "LLM108",
        ),
        (
            (
                "import litellm\nrouter = litellm.Router(model_list=[{'model_name': 'g', 'litellm_params': "
                "{'model': 'gpt-4o', 'rpm': 60}}])\nrouter.completion(model='g', messages=[])\n"
            ),
            "LLM108",
        ),
        (
            (
                "import boto3\nfrom botocore.config import Config\n"
                "b = boto3.client('bedrock-runtime', config=Config(retries={'mode': 'adaptive'}))\n"
                "b.converse(modelId='m', messages=[])\n"
            ),
            "LLM108",
        ),
    ],
    ids=[
        "circuit-decorator",
        "in-project-breaker",
        "ratelimit-decorators",
        "router-rpm",
        "botocore-adaptive",
    ],
)
def test_a_guard_on_the_call_path_or_in_the_client_counts(code, passes):
    assert passes not in _project_rules(code)


def test_a_langchain_rate_limiter_of_none_limits_nothing():
    code = (
        "from langchain_openai import ChatOpenAI\n"
        "ChatOpenAI(model='m', timeout=9, rate_limiter=None).invoke('x')\n"
    )
    assert "LLM108" in _project_rules(code)


def test_an_inbound_limiter_is_named_but_does_not_count():
    code = (
        "from slowapi import Limiter\nfrom openai import OpenAI\nlimiter = Limiter(key_func=str)\n"
        "OpenAI(timeout=9).chat.completions.create(model='m', messages=[], max_tokens=9)\n"
    )
    [f] = [f for f in audit_source(code, "g.py").findings if f.rule_id == "LLM108"]
    assert f.evidence["inbound_only"].startswith("g.py:1 from slowapi")
