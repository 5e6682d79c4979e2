"""Client resolution and settings origins: what the evidence says and where it came from."""

from __future__ import annotations

import pytest

from llmeng.audit import audit_source
from llmeng.findings import Confidence


def _findings(code: str, rule: str):
    return [f for f in audit_source(code, "m.py").findings if f.rule_id == rule]


def test_evidence_names_client_timeout_attempts_and_their_origins():
    code = (
        "from openai import OpenAI\nclient = OpenAI()\n"
        "client.chat.completions.create(model='gpt-4o', messages=[])\n"
    )
    [f] = _findings(code, "LLM102")
    ev = f.evidence
    assert ev["client"] == "OpenAI() at line 2" and ev["provider"] == "openai" and ev["sdk"] == "openai"
    assert ev["timeout"] == {
        "value": 600.0,
        "state": "default",
        "origin": "openai default (openai 3.57.0 openai/_constants.py:7)",
    }
    assert ev["attempts"]["value"] == 3 and ev["worst_case"] == "30 min" and f.confidence == Confidence.HIGH


def test_with_options_overrides_the_constructor():
    code = (
        "from openai import OpenAI\nbase = OpenAI(timeout=None)\n"
        "base.with_options(timeout=5).chat.completions.create(model='m', messages=[])\n"
        "base.chat.completions.create(model='m', messages=[])\n"
    )
    assert [f.location.line for f in _findings(code, "LLM101")] == [4]


def test_call_timeout_overrides_with_options_which_overrides_ctor():
    code = (
        "from anthropic import Anthropic\nc = Anthropic(timeout=10).with_options(timeout=None)\n"
        "c.messages.create(model='m', max_tokens=5, messages=[], timeout=20)\n"
        "c.messages.create(model='m', max_tokens=5, messages=[])\n"
    )
    [f] = _findings(code, "LLM101")
    assert f.location.line == 4 and ".with_options()" in f.evidence["timeout"]["origin"]


def test_bound_method_alias_with_several_candidates():
    code = (
        "import os\nfrom openai import OpenAI\n"
        "if os.environ.get('X'):\n    completion = OpenAI(timeout=None).chat.completions.create\n"
        "else:\n    completion = None\n"
        "completion(model='m', messages=[])\n"
    )
    assert [f.location.line for f in _findings(code, "LLM101")] == [7]


def test_self_binding_type_hint_and_factory():
    code = (
        "from langchain_openai import ChatOpenAI\n\n\n"
        "def make():\n    return ChatOpenAI(model='m')\n\n\n"
        "class A:\n    llm: ChatOpenAI\n\n    def __init__(self):\n        self.chat = make()\n\n"
        "    def ask(self, q):\n        return self.chat.invoke(q)\n\n"
        "    def hinted(self, q):\n        return self.llm.invoke(q)\n"
    )
    [factory] = _findings(code, "LLM101")
    assert factory.location.line == 15 and "returned by make()" in factory.evidence["client"]
    hinted = [f for f in audit_source(code, "m.py").findings if f.location.line == 18]
    assert hinted and all(
        f.rule_id not in ("LLM101", "LLM102") for f in hinted
    )  # built elsewhere: no verdict


def test_unresolved_receiver_matches_by_shape_with_lower_confidence():
    code = "def ask(client, q):\n    return client.chat.completions.create(model='m', messages=q)\n"
    found = audit_source(code, "m.py").findings
    assert {f.rule_id for f in found if f.location.line == 2} >= {"LLM105", "LLM301"}
    assert not any(f.rule_id in ("LLM101", "LLM102", "LLM103") for f in found)
    assert all(f.confidence == Confidence.MEDIUM for f in found if f.location.line == 2)


def test_values_from_environment_and_settings_are_configured_elsewhere():
    code = (
        "import os\nfrom openai import OpenAI\nfrom pydantic_settings import BaseSettings\n\n\n"
        "class S(BaseSettings):\n    timeout: float = 600\n\n\n"
        "OpenAI(timeout=float(os.getenv('T', '30'))).chat.completions.create(model='m', messages=[])\n"
        "OpenAI(timeout=S().timeout).chat.completions.create(model='m', messages=[])\n"
    )
    assert not _findings(code, "LLM101") and not _findings(code, "LLM102")


def test_per_call_kwargs_do_not_hide_client_transport_settings():
    code = (
        "from openai import OpenAI\nc = OpenAI()\n\n\ndef ask(**params):\n"
        "    return c.chat.completions.create(**params)\n"
    )
    [f] = _findings(code, "LLM102")
    assert f.location.line == 6 and f.confidence == Confidence.HIGH and "unless" not in f.evidence["timeout"]
    # max_tokens may be in params, but the code ships none: absent, at medium confidence
    [f] = _findings(code, "LLM301")
    assert (
        f.confidence == Confidence.MEDIUM
        and f.evidence["max_tokens"]["unless"] == "`params` sets `max_tokens`"
    )


def test_lcel_pipe_and_raw_http_and_embeddings():
    code = (
        "import requests\nfrom langchain_openai import ChatOpenAI, OpenAIEmbeddings\n"
        "from openai import OpenAI\n"
        "chain = prompt | ChatOpenAI(model='m')\nchain.invoke({})\n"
        "requests.post('http://localhost:8000/v1/chat/completions', json={'model': 'm', 'messages': []})\n"
        "OpenAI(timeout=5).embeddings.create(model='e', input='x')\n"
    )
    lines101 = [f.location.line for f in _findings(code, "LLM101")]
    assert lines101 == [5, 6]
    assert 7 not in [f.location.line for f in _findings(code, "LLM301")]
    assert 7 in [f.location.line for f in _findings(code, "LLM105")]


def test_bedrock_needs_the_runtime_service():
    code = (
        "import boto3\nboto3.client('s3').converse(modelId='x', messages=[])\n"
        "boto3.client('bedrock-runtime').converse(modelId='x', messages=[])\n"
    )
    lines = {f.location.line for f in audit_source(code, "m.py").findings if f.rule_id == "LLM105"}
    assert lines == {3}


def test_retry_options_in_genai_and_botocore_config():
    code = (
        "import boto3\nfrom botocore.config import Config\nfrom google import genai\n"
        "boto3.client('bedrock-runtime', config=Config(retries={'max_attempts': 1})).converse(modelId='x')\n"
        "genai.Client(http_options={'timeout': 1000, 'retry_options': {'attempts': 3}})"
        ".models.generate_content(model='g', contents='x')\n"
    )
    assert [f.location.line for f in _findings(code, "LLM103")] == [4]


def test_an_opaque_http_client_keeps_the_sdk_default_but_a_visible_timeout_counts():
    code = (
        "import httpx\nfrom openai import OpenAI\n"
        "OpenAI(http_client=make_client()).chat.completions.create(model='m', messages=[])\n"
        "OpenAI(http_client=httpx.Client(timeout=20)).chat.completions.create(model='m', messages=[])\n"
        "OpenAI(http_client=httpx.Client(timeout=None)).chat.completions.create(model='m', messages=[])\n"
    )
    assert [f.location.line for f in _findings(code, "LLM102")] == [3]
    assert [f.location.line for f in _findings(code, "LLM101")] == [5]


def test_options_from_a_function_call_are_configured_elsewhere():
    code = (
        "from google import genai\n"
        "genai.Client(http_options=build_options()).models.generate_content(model='g', contents='x')\n"
        "genai.Client().models.generate_content(model='g', contents='x')\n"
    )
    assert [f.location.line for f in _findings(code, "LLM101")] == [3]


def test_lazy_module_proxy_and_self_method_alias():
    code = (
        "from myapp.llm import litellm\n\n\nclass Bot:\n    def __init__(self):\n"
        "        from openai import OpenAI\n        self.create = OpenAI(timeout=None).chat.completions.create\n\n"
        "    def ask(self, q):\n        litellm.completion(model='gpt-4o', messages=q)\n"
        "        return self.create(model='m', messages=q)\n"
    )
    found = audit_source(code, "m.py").findings
    proxy = [f for f in found if f.location.line == 10 and f.rule_id == "LLM102"]
    assert proxy and proxy[0].confidence == Confidence.MEDIUM and "through" in proxy[0].evidence["client"]
    assert [f.location.line for f in found if f.rule_id == "LLM101"] == [11]


def test_factory_method_on_a_base_class_in_the_same_module():
    code = (
        "from anthropic import Anthropic\n\n\nclass Base:\n    def get_client(self):\n"
        "        return Anthropic(timeout=None)\n\n\nclass Model(Base):\n    def ask(self, q):\n"
        "        return self.get_client().messages.create(model='m', max_tokens=9, messages=q)\n"
    )
    assert [f.location.line for f in _findings(code, "LLM101")] == [11]


def test_client_factory_in_another_module(tmp_path):
    from llmeng.audit import audit_paths

    (tmp_path / "clients.py").write_text(
        "import openai\n\n\ndef get_client(key):\n    return openai.OpenAI(api_key=key, max_retries=0)\n"
    )
    (tmp_path / "chat.py").write_text(
        "from clients import get_client\n\n\ndef ask(q):\n"
        "    client = get_client('k')\n"
        "    return client.chat.completions.create(model='m', messages=q)\n"
    )
    found = [f for f in audit_paths([tmp_path]).findings if f.location.path.endswith("chat.py")]
    retries = [f for f in found if f.rule_id == "LLM103"]
    assert retries and "get_client()" in retries[0].evidence["client"]
    assert retries[0].confidence == Confidence.MEDIUM


def test_http_payload_without_a_known_url():
    code = (
        "import requests\n\n\ndef ask(url, q):\n"
        "    return requests.post(url, json={'model': 'm', 'messages': q})\n"
        "requests.post('https://example.invalid/upload', json={'file': 1})\n"
    )
    found = audit_source(code, "m.py").findings
    assert {f.location.line for f in found if f.rule_id in ("LLM101", "LLM103")} == {5}
    assert all(f.confidence == Confidence.LOW for f in found if f.rule_id in ("LLM101", "LLM103", "LLM105"))


@pytest.mark.timeout(120)  # a hang guard: the exponential version never finishes, the linear one in seconds
def test_chains_of_helpers_that_return_calls_stay_linear():
    # Each helper returns one of the next two: exponential without memoised factory lookup.
    helpers = "".join(
        f"def f{i}(x):\n    if x:\n        return f{i + 1}(x)\n    return f{i + 2}(x)\n\n\n"
        for i in range(40)
    )
    code = (
        "from openai import OpenAI\n\n\n"
        + helpers
        + "def f40(x):\n    return OpenAI(timeout=None)\n\n\ndef f41(x):\n    return None\n\n\n"
        "f0(1).chat.completions.create(model='m', messages=[])\n"
    )
    found = audit_source(code, "m.py").findings
    # Deeper than the resolver follows (5 levels): matched by shape, no timeout verdict, and fast.
    assert {f.rule_id for f in found if f.location.line == found[0].location.line} >= {"LLM105"}
    assert not [f for f in found if f.rule_id == "LLM101"]


def test_a_name_bound_in_branches_takes_the_worst_client_and_names_the_others():
    code = (
        "import os\nfrom openai import OpenAI\n"
        "if os.environ.get('FAST'):\n    client = OpenAI(timeout=10)\nelse:\n    client = OpenAI(timeout=None)\n"
        "client.chat.completions.create(model='m', messages=[])\n"
    )
    [f] = _findings(code, "LLM101")
    assert "OpenAI() at line 6" in f.evidence["client"] and "also OpenAI() at line 4" in f.evidence["client"]


def test_calls_through_an_unknown_llm_library_get_no_verdict_and_lower_confidence():
    code = (
        "from pydantic_ai import Agent\nfrom vertexai.generative_models import GenerativeModel\n"
        "Agent('openai:gpt-4o').run_sync('hi')\n"
        "GenerativeModel('gemini-2.0-flash').generate_content('hi')\n"
        "def embed(e, q):\n    return e.embed_query(q)\n"
    )
    found = audit_source(code, "m.py").findings
    by_line = {f.location.line: f for f in found if f.rule_id == "LLM106"}
    assert sorted(by_line) == [3, 4, 6]
    assert by_line[3].evidence["sdk"] == "llm_library" and by_line[3].confidence == Confidence.MEDIUM
    assert by_line[6].confidence == Confidence.LOW and "call shape" in by_line[6].evidence["client"]
    assert not [f for f in found if f.rule_id in ("LLM101", "LLM102", "LLM103", "LLM301")]


def test_a_retry_helper_handed_the_method_names_itself_in_the_evidence():
    code = (
        "import time\nfrom openai import OpenAI\n\n\n"
        "def backoff(fn, **kw):\n    for i in range(3):\n        try:\n            return fn(**kw)\n"
        "        except Exception:\n            time.sleep(i)\n\n\n"
        "backoff(OpenAI(timeout=9).chat.completions.create, model='m', messages=[])\n"
    )
    [f] = _findings(code, "LLM104")
    assert f.location.line == 13 and "retry helper backoff" in f.evidence["retry_wrapper"]
    assert "handed to backoff()" in f.evidence["client"]
