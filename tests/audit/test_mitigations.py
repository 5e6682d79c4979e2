"""Mitigations around a call: loops that retry, tenacity iterators, deadlines, suppress, callers."""

from __future__ import annotations

from llmeng.audit import audit_paths, audit_source
from llmeng.audit.callgraph import CallGraph
from llmeng.audit.model import UNKNOWN, CallSite, Ctx, Edge, FuncSummary, Setting
from llmeng.findings import Confidence

HEAD = "import asyncio, contextlib, tenacity, time, openai\nc = openai.OpenAI(timeout=30, max_retries=0)\n"


def _rules(code: str, line: int) -> set[str]:
    return {f.rule_id for f in audit_source(HEAD + code, "m.py").findings if f.location.line == line}


def test_while_true_loop_with_except_is_a_retry():
    code = (
        "def f(q):\n    while True:\n        try:\n"
        "            return c.chat.completions.create(model='m', messages=q)\n"
        "        except openai.RateLimitError:\n            time.sleep(1)\n"
    )
    assert "LLM103" not in _rules(code, 6)


def test_a_plain_loop_over_items_is_not_a_retry():
    code = (
        "def f(items):\n    for item in items:\n        try:\n"
        "            c.chat.completions.create(model='m', messages=item)\n"
        "        except Exception:\n            pass\n"
    )
    assert "LLM103" in _rules(code, 6)


def test_tenacity_retrying_iterator():
    code = (
        "def f(q):\n    for attempt in tenacity.Retrying(stop=tenacity.stop_after_attempt(3)):\n"
        "        with attempt:\n            return c.chat.completions.create(model='m', messages=q)\n"
    )
    assert "LLM103" not in _rules(code, 6)


def test_suppress_of_unrelated_exceptions_does_not_handle_api_errors():
    code = (
        "def f(q):\n    with contextlib.suppress(KeyError):\n"
        "        return c.chat.completions.create(model='m', messages=q)\n"
    )
    assert "LLM105" in _rules(code, 5)


def test_deadline_in_a_caller_bounds_the_call():
    code = (
        "d = openai.AsyncOpenAI()\n\n\nasync def leaf(q):\n"
        "    return await d.chat.completions.create(model='m', messages=q)\n\n\n"
        "async def top(q):\n    return await asyncio.wait_for(leaf(q), 30)\n"
    )
    found = audit_source(HEAD + code, "m.py").findings
    assert not [f for f in found if f.rule_id == "LLM102"]
    loose = code.replace("asyncio.wait_for(leaf(q), 30)", "leaf(q)")
    assert [f for f in audit_source(HEAD + loose, "m.py").findings if f.rule_id == "LLM102"]


def test_retry_decorator_with_stop_after_delay_is_also_a_deadline():
    code = (
        "d = openai.OpenAI()\n\n\n@tenacity.retry(stop=tenacity.stop_after_delay(60))\ndef f(q):\n"
        "    return d.chat.completions.create(model='m', messages=q)\n"
    )
    rules = _rules(code, 8)
    assert "LLM102" not in rules and "LLM104" in rules


def test_in_project_retry_decorator():
    code = (
        "def retrying(fn):\n    def wrapper(*a):\n        for _ in range(3):\n            try:\n"
        "                return fn(*a)\n            except Exception:\n                time.sleep(1)\n"
        "    return wrapper\n\n\n@retrying\ndef f(q):\n"
        "    return c.chat.completions.create(model='m', messages=q)\n"
    )
    rules = _rules(code, 15)
    assert "LLM103" not in rules and "LLM105" not in rules


def test_generic_method_names_do_not_link_callers():
    funcs = [
        FuncSummary("a.A.run", "a.py", 1),
        FuncSummary("b.B.ask", "b.py", 1),
        FuncSummary(
            "c.main",
            "c.py",
            1,
            edges=(Edge("*.run", 3, Ctx(handled="x")), Edge("*.ask", 4, Ctx(handled="y"))),
        ),
    ]
    graph = CallGraph(funcs)
    assert graph.targets("*.run") == [] and graph.targets("*.ask") == ["b.B.ask"]
    assert "a.A.run" not in graph.callers and graph.callers["b.B.ask"][0][0] == "c.main"


def test_a_retry_loop_that_raises_after_the_last_attempt_retries_but_does_not_handle():
    code = (
        "def f(q):\n    for attempt in range(3):\n        try:\n"
        "            return c.chat.completions.create(model='m', messages=q)\n"
        "        except openai.RateLimitError:\n            if attempt == 2:\n                raise\n"
        "            time.sleep(1)\n"
    )
    rules = _rules(code, 6)
    assert "LLM103" not in rules and "LLM105" in rules


def test_in_project_retry_decorator_that_raises_when_exhausted_does_not_handle():
    code = (
        "def retrying(fn):\n    def wrapper(*a):\n        for _ in range(3):\n            try:\n"
        "                return fn(*a)\n            except Exception:\n                time.sleep(1)\n"
        "        raise RuntimeError('gave up')\n    return wrapper\n\n\n@retrying\ndef f(q):\n"
        "    return c.chat.completions.create(model='m', messages=q)\n"
    )
    rules = _rules(code, 16)
    assert "LLM103" not in rules and "LLM105" in rules


def test_a_finding_on_some_paths_lists_the_covered_and_the_uncovered_ones():
    code = (
        "def leaf(q):\n    return c.chat.completions.create(model='m', messages=q)\n\n\n"
        "def careful(q):\n    try:\n        return leaf(q)\n    except openai.APIError:\n        return None\n\n\n"
        "def careless(q):\n    return leaf(q)\n"
    )
    found = [f for f in audit_source(HEAD + code, "m.py").findings if f.rule_id == "LLM105"]
    assert [f.location.line for f in found] == [4]
    assert found[0].evidence["paths"] == (
        "handled on 1 of 2 paths: careful() -> leaf() handles (try/except openai.APIError at line 8, m.py:9);"
        " careless() -> leaf() does not"
    )


def test_every_path_covered_is_no_finding_and_a_cycle_is_not_a_path():
    code = (
        "def leaf(q, n=0):\n    if n:\n        return again(q, n - 1)\n"
        "    return c.chat.completions.create(model='m', messages=q)\n\n\n"
        "def again(q, n):\n    return leaf(q, n)\n\n\n"
        "def top(q):\n    try:\n        return leaf(q, 2)\n    except Exception:\n        return None\n"
    )
    assert "LLM105" not in _rules(code, 6)


def test_a_handler_around_an_interface_call_covers_each_implementation():
    impls = "".join(
        f"class P{i}:\n    def reply(self, q):\n"
        f"        return c.chat.completions.create(model='m{i}', messages=q)\n\n\n"
        for i in range(4)
    )
    agent = "class Agent:\n    def ask(self, q):\n        try:\n            return self.llm.reply(q)\n"
    handled = agent + "        except Exception:\n            return None\n"
    found = audit_source(HEAD + impls + handled, "m.py").findings
    assert not [f for f in found if f.rule_id == "LLM105"]
    unhandled = agent.replace("try:\n            return self.llm.reply(q)\n", "return self.llm.reply(q)\n")
    found = audit_source(HEAD + impls + unhandled, "m.py").findings
    assert len([f for f in found if f.rule_id == "LLM105"]) == 4


def test_a_retry_reached_only_through_a_guessed_link_is_not_a_nested_retry():
    impls = "".join(
        f"class P{i}:\n    def reply(self, q):\n"
        f"        return d.chat.completions.create(model='m{i}', messages=q)\n\n\n"
        for i in range(4)
    )
    agent = (
        "class Agent:\n    @tenacity.retry(stop=tenacity.stop_after_attempt(3))\n"
        "    def ask(self, q):\n        return self.llm.reply(q)\n"
    )
    found = audit_source(HEAD + "d = openai.OpenAI(timeout=30)\n" + impls + agent, "m.py").findings
    assert not [f for f in found if f.rule_id == "LLM104"]


def test_callers_in_the_projects_tests_are_not_call_paths(tmp_path):
    (tmp_path / "app.py").write_text(
        HEAD + "def leaf(q):\n    return c.chat.completions.create(model='m', messages=q)\n\n\n"
        "def page(q):\n    try:\n        return leaf(q)\n    except Exception:\n        return None\n"
    )
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "check_app.py").write_text("from app import leaf\n\n\ndef check():\n    leaf([])\n")
    found = audit_paths([tmp_path]).findings
    assert not [f for f in found if f.rule_id == "LLM105"]


def test_a_breaker_or_limiter_that_guards_no_llm_call_is_named_as_not_connected():
    code = (
        "import pybreaker\nbreaker = pybreaker.CircuitBreaker()\n\n\n@breaker\ndef save(row):\n    return row\n\n\n"
        "def ask(q):\n    return c.chat.completions.create(model='m', messages=q)\n"
    )
    [f] = [f for f in audit_source(HEAD + code, "m.py").findings if f.rule_id == "LLM107"]
    assert f.evidence["not_connected"] == "m.py:3 import pybreaker (guards no LLM call path)"
    guarded = code.replace("@breaker\ndef save", "def save").replace("def ask", "@breaker\ndef ask")
    assert not [f for f in audit_source(HEAD + guarded, "m.py").findings if f.rule_id == "LLM107"]


def test_a_semaphore_around_the_call_itself_paces_it():
    code = (
        "sem = asyncio.Semaphore(4)\nd = openai.AsyncOpenAI(timeout=30)\n\n\nasync def ask(q):\n"
        "    async with sem:\n        return await d.chat.completions.create(model='m', messages=q)\n"
    )
    assert not [f for f in audit_source(HEAD + code, "m.py").findings if f.rule_id == "LLM108"]


def test_a_function_handed_to_an_in_project_retry_wrapper_is_retried_there():
    code = (
        "d = openai.OpenAI(timeout=30)\n\n\n"
        "def retrying(fn, tries=3):\n    def wrapper(*a):\n        for _ in range(tries):\n            try:\n"
        "                return fn(*a)\n            except openai.APIError:\n                time.sleep(1)\n"
        "        raise RuntimeError('gave up')\n    return wrapper\n\n\n"
        "def body(q):\n    return d.chat.completions.create(model='m', messages=q)\n\n\n"
        "def ask(q):\n    return retrying(body)(q)\n"
    )
    rules = _rules(code, 18)
    assert "LLM104" in rules and "LLM105" in rules


def test_botocores_client_error_covers_throttling_and_server_errors():
    code = (
        "import boto3\nfrom botocore.exceptions import ClientError\n"
        "b = boto3.client('bedrock-runtime')\n\n\ndef f(q):\n    try:\n"
        "        return b.converse(modelId='m', messages=q)\n    except ClientError:\n        return None\n"
    )
    assert "LLM105" not in _rules(code, 10)


def test_the_path_search_stops_once_the_verdict_is_in_and_says_the_count_is_a_lower_bound():
    callers = [FuncSummary(f"m.c{i}", "m.py", i, edges=(Edge("m.leaf", i, Ctx()),)) for i in range(400)]
    graph = CallGraph([FuncSummary("m.leaf", "m.py", 1), *callers])
    unset = Setting(None, UNKNOWN, "")
    site = CallSite(
        "m.py", 2, 2, 1, "m.leaf", "ask", "openai", "openai", Confidence.HIGH, "", unset, unset, unset
    )
    coverage = graph.mitigations(site).handled
    assert not coverage.full and coverage.cut and 0 < len(coverage.uncovered) < 400
    assert "+ paths: " in coverage.paths("handles")
