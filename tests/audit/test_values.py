"""Constant folding with origins: what is known, and what is configured elsewhere and why."""

from __future__ import annotations

import ast

import pytest

from llmeng.audit.scope import build_scope
from llmeng.audit.values import MISSING, Env, fold, lookup

MODULE = """
import os
from dataclasses import dataclass
import httpx

TIMEOUT = 30
DOUBLE = TIMEOUT * 2
CONFIG = {"timeout": 12, "nested": {"max_retries": 0}}
MAYBE = None


@dataclass
class Cfg:
    timeout: float = 45.0
    retries: int = 1


class Env(BaseSettings):
    timeout: float = 600


class Required(BaseSettings):
    timeout: float


cfg = Cfg()
cfg_kw = Cfg(timeout=5)


class Client:
    def __init__(self, timeout=None, retries=2):
        self.timeout = timeout
        self.fixed = 7

    def call(self, n, flag: bool = True, **kwargs):
        local = 3
        kwargs_local = {}
        kwargs_local["timeout"] = 9
        twice = 1
        twice = 2
        options = dict(timeout=11)
        return None
"""


@pytest.fixture(scope="module")
def scope():
    return build_scope(ast.parse(MODULE), "m")


def _fold(scope, expr: str, func: str | None = "m.Client.call"):
    env = Env(scope, scope.functions[func] if func else None)
    return fold(ast.parse(expr, mode="eval").body, env)


@pytest.mark.parametrize(
    "expr, value",
    [
        ("30", 30),
        ("-5", -5),
        ("2 * 60 + 1", 121),
        ("float('7')", 7.0),
        ("TIMEOUT", 30),
        ("DOUBLE", 60),
        ("CONFIG['timeout']", 12),
        ("cfg.timeout", 45.0),
        ("cfg_kw.timeout", 5),
        ("Cfg.retries", 1),
        ("httpx.Timeout(20.0, connect=5)", 20.0),
        ("httpx.Timeout(timeout=8)", 8),
        ("httpx.Timeout(None)", None),
        ("local", 3),
        ("self.fixed", 7),
        ("self.timeout", None),
        ("MAYBE", None),
    ],
)
def test_known_values(scope, expr, value):
    val = _fold(scope, expr)
    assert val.known and val.value == value, val


@pytest.mark.parametrize(
    "expr, origin",
    [
        ("os.environ['T']", "environment"),
        ("n", "parameter n"),
        ("twice", "variable twice"),
        ("Required().timeout", "required field Required.timeout"),
        ("settings.timeout", "configuration"),
        ("load()", "computed"),
        ("a if b else c", "a if b else c"),
        ("n + 1", "n + 1"),
        ("config['t']", "configuration"),
        ("undefined_name", "variable undefined_name"),
        ("httpx.Timeout()", "httpx.Timeout()"),
    ],
)
def test_configured_elsewhere_says_why(scope, expr, origin):
    val = _fold(scope, expr)
    assert not val.known and val.origin.startswith(origin), val


def test_parameter_default_is_used_and_named(scope):
    val = _fold(scope, "timeout", "m.Client.__init__")
    assert val.known and val.value is None and val.origin == "default of parameter timeout"
    assert _fold(scope, "flag").value is True


def _lookup(scope, call: str, path: str):
    node = ast.parse(call, mode="eval").body
    return lookup(node.keywords, path.split("."), Env(scope, scope.functions["m.Client.call"]))


def test_lookup_follows_nested_calls_dicts_and_double_star(scope):
    assert _lookup(scope, "f(http_options=H(timeout=3))", "http_options.timeout").value == 3
    assert (
        _lookup(scope, "f(config={'retries': {'max_attempts': 1}})", "config.retries.max_attempts").value == 1
    )
    assert _lookup(scope, "f(**CONFIG)", "timeout").value == 12
    assert _lookup(scope, "f(**CONFIG)", "nested.max_retries").value == 0
    assert _lookup(scope, "f(**kwargs_local)", "timeout").value == 9
    assert _lookup(scope, "f(**options)", "timeout").value == 11
    assert _lookup(scope, "f(**{**CONFIG})", "timeout").value == 12


def test_lookup_missing_and_hidden(scope):
    assert _lookup(scope, "f(a=1)", "timeout") is MISSING
    assert _lookup(scope, "f(http_options=None)", "http_options.timeout") is MISSING
    hidden = _lookup(scope, "f(**kwargs)", "timeout")
    assert hidden.absent and hidden.origin == "**kwargs" and hidden.unless == "`kwargs` sets `timeout`"
    both = _lookup(scope, "f(**kwargs, **extra)", "timeout")
    assert both.absent and both.unless == "`kwargs` sets `timeout` or `extra` sets `timeout`"
    assert _lookup(scope, "f(**config.get('llm', {}))", "timeout").absent
    assert _lookup(scope, "f(**{**kwargs, 'timeout': 4})", "timeout").value == 4
    # A mapping computed where the analysis cannot see is not absent: the code may well set it.
    computed = _lookup(scope, "f(**load())", "timeout")
    assert not computed.known and not computed.absent
    opaque = _lookup(scope, "f(http_options=make())", "http_options.timeout")
    assert not opaque.known and opaque.origin == "make()"


@pytest.mark.parametrize(
    "expr, value, unless",
    [
        ("os.environ.get('T', 5)", 5, "the environment sets 'T'"),
        ("int(os.getenv('T', '30'))", 30, "the environment sets 'T'"),
        ("Env().timeout", 600, "the environment sets timeout"),
        ("config.get('timeout', 20)", 20, "`config` sets 'timeout'"),
        ("getattr(config, 'timeout', 9)", 9, "`config` sets 'timeout'"),
        ("typer.Option(45, help='s')", 45, "the command line sets it"),
    ],
)
def test_a_configuration_read_takes_the_default_the_code_ships(scope, expr, value, unless):
    val = _fold(scope, expr)
    assert val.known and val.value == value and val.unless == unless, val


@pytest.mark.parametrize(
    "expr, unless",
    [
        ("os.getenv('T')", "the environment sets 'T'"),
        ("config.get('timeout')", "`config` sets 'timeout'"),
    ],
)
def test_a_configuration_read_without_a_default_is_absent(scope, expr, unless):
    val = _fold(scope, expr)
    assert val.absent and not val.known and val.unless == unless, val


@pytest.mark.parametrize(
    "expr, origin",
    [
        ("typer.Option(..., help='s')", "required CLI option"),
        ("float(os.getenv('T'))", "required (float(os.getenv('T')))"),
        ("int(config.get('timeout'))", "required"),
    ],
)
def test_a_value_the_program_cannot_run_without_counts_as_configured(scope, expr, origin):
    val = _fold(scope, expr)
    assert not val.known and not val.absent and val.origin.startswith(origin), val


HELPERS = """
from elsewhere import SHARED


def build(messages):
    return {"messages": messages, "max_tokens": 256}


def plain(messages):
    return {"messages": messages}


class Svc:
    def __init__(self, **kwargs):
        self.kwargs = kwargs
        self.options = {"max_tokens": 64}

    def _payload(self, limit=None):
        payload = {"model": "m"}
        if limit is not None:
            payload["max_tokens"] = limit
        return payload

    def call(self, flag, extra=None, **kwargs):
        if flag:
            both = {"max_tokens": 1}
        else:
            both = {"max_tokens": 2}
        if flag:
            some = {"max_tokens": 1}
        else:
            some = {}
        copied = self.options.copy()
        filtered = {k: v for k, v in kwargs.items() if k != "x"}
        return None
"""


@pytest.fixture(scope="module")
def helpers():
    return build_scope(ast.parse(HELPERS), "h")


@pytest.mark.parametrize(
    "call, value",
    [
        ("f(**build(m))", 256),
        ("f(**both)", 1),
        ("f(**copied)", 64),
        ("f(**dict(self.options))", 64),
        ("f(**self.options)", 64),
    ],
)
def test_mappings_the_code_builds_are_followed(helpers, call, value):
    val = lookup(
        ast.parse(call, mode="eval").body.keywords,
        ["max_tokens"],
        Env(helpers, helpers.functions["h.Svc.call"]),
    )
    assert val.known and val.value == value, val


@pytest.mark.parametrize(
    "call, unless",
    [
        ("f(**plain(m))", "`plain(m)` sets `max_tokens`"),
        ("f(**some)", "`some` sets `max_tokens`"),
        ("f(**self._payload())", "`limit` is set"),
        ("f(**self.kwargs)", "`kwargs` sets `max_tokens`"),
        ("f(**filtered)", "`kwargs` sets `max_tokens`"),
        ("f(**(extra or {}))", "`extra or {}` sets `max_tokens`"),
    ],
)
def test_mappings_without_the_key_leave_it_absent(helpers, call, unless):
    val = lookup(
        ast.parse(call, mode="eval").body.keywords,
        ["max_tokens"],
        Env(helpers, helpers.functions["h.Svc.call"]),
    )
    assert val.absent and val.unless == unless, val


def test_a_mapping_imported_from_another_module_is_not_seen(helpers):
    val = lookup(ast.parse("f(**SHARED)", mode="eval").body.keywords, ["max_tokens"], Env(helpers, None))
    assert not val.known and not val.absent


def test_a_mapping_rebound_from_itself_in_many_branches_is_looked_at_once_per_binding():
    # Each `params = {**params, ...}` refers back to the name: following it again on every binding
    # made this exponential (about 1.5 s for 12 branches, minutes for 20).
    lines = ["def f(flag):", "    params = {'model': 'm'}"]
    for i in range(40):
        lines += [f"    if flag == {i}:", f"        params = {{**params, 'k{i}': {i}}}"]
    scope = build_scope(ast.parse("\n".join(lines)), "r")
    val = lookup(
        ast.parse("f(**params)", mode="eval").body.keywords,
        ["max_tokens"],
        Env(scope, scope.functions["r.f"]),
    )
    assert val.absent
