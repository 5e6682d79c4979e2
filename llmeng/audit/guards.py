"""Circuit breakers and outbound rate limiters that guard a call: `async with limiter:`, `@breaker`.

A breaker or limiter counts for LLM107/LLM108 only where it encloses an LLM call's path (issue 14,
class 5): one that guards a database, a scraper or tool calls is not an LLM breaker or limiter.
"""

from __future__ import annotations

import ast
import re

from llmeng.audit.model import Ctx
from llmeng.audit.scope import ModuleScope

BREAKER, LIMIT = "breaker", "limit"
# A semaphore bounds concurrency, not rate: it counts as an LLM limiter only around the call itself, not
# around a whole task several callers up (a test runner's or a crawler's pool).
SEMAPHORE_NOTE = "semaphore"
_SEMAPHORES = frozenset(
    {"asyncio.Semaphore", "asyncio.BoundedSemaphore", "threading.Semaphore", "threading.BoundedSemaphore"}
)
_SEMAPHORE_NAME = re.compile(r"semaphore|(?:^|_)sem(?:$|_)", re.IGNORECASE)
# Constructors and decorators of the libraries in llm-sdk-defaults.md section 5, by dotted name.
_LIBRARY = {
    "pybreaker.CircuitBreaker": BREAKER,
    "circuitbreaker.circuit": BREAKER,
    "circuitbreaker.CircuitBreaker": BREAKER,
    "aiobreaker.CircuitBreaker": BREAKER,
    "purgatory.AsyncCircuitBreakerFactory": BREAKER,
    "purgatory.SyncCircuitBreakerFactory": BREAKER,
    "aiolimiter.AsyncLimiter": LIMIT,
    "asyncio.Semaphore": LIMIT,
    "asyncio.BoundedSemaphore": LIMIT,
    "threading.Semaphore": LIMIT,
    "threading.BoundedSemaphore": LIMIT,
    "anyio.CapacityLimiter": LIMIT,
    "pyrate_limiter.Limiter": LIMIT,
    "ratelimit.limits": LIMIT,
    "ratelimit.sleep_and_retry": LIMIT,
    "ratelimiter.RateLimiter": LIMIT,
    "limits.strategies.MovingWindowRateLimiter": LIMIT,
    "langchain_core.rate_limiters.InMemoryRateLimiter": LIMIT,
}
# In-project breakers and limiters are known by name: `class CircuitBreaker`, `self._llm_semaphore`.
_NAMES = (
    (BREAKER, re.compile(r"breaker|circuit", re.IGNORECASE)),
    (LIMIT, re.compile(r"limiter|semaphore|throttl|rate_?limit|(?:^|_)sem(?:$|_)", re.IGNORECASE)),
)
# Methods that take a limiter's permit before a call: `await limiter.acquire()`, `limiter.throttle()`.
_ACQUIRE = frozenset({"acquire", "try_acquire", "throttle", "wait", "hit", "consume", "ratelimit"})
# Methods that run a function through a breaker: `breaker.call(ask, q)`.
_THROUGH = frozenset({"call", "call_async"})
METHODS = _ACQUIRE | _THROUGH  # a call of any other method is neither


def guard_of(expr: ast.expr, scope: ModuleScope, cls: str | None) -> str | None:
    """BREAKER or LIMIT when `expr` (a context manager, decorator or receiver) is one, else None."""
    target = expr.func if isinstance(expr, ast.Call) else expr
    names = [scope.dotted(target) or "", *_bound_to(target, scope, cls)]
    for name in names:
        if name in _LIBRARY:
            return _LIBRARY[name]
    for name in names:
        last = name.rsplit(".", 1)[-1]
        for kind, pattern in _NAMES:
            if last and pattern.search(last):
                return kind
    return None


def is_semaphore(expr: ast.expr, scope: ModuleScope, cls: str | None) -> bool:
    """A semaphore (by constructor or by name): a weak limiter, see SEMAPHORE_NOTE."""
    target = expr.func if isinstance(expr, ast.Call) else expr
    names = [scope.dotted(target) or "", *_bound_to(target, scope, cls)]
    return any(n in _SEMAPHORES or _SEMAPHORE_NAME.search(n.rsplit(".", 1)[-1]) for n in names if n)


def decorator_ctx(dec: ast.expr, scope: ModuleScope, cls: str | None) -> Ctx:
    """`@breaker`, `@circuit(...)`, `@limits(calls=5, period=1)` on a function."""
    kind = guard_of(dec, scope, cls)
    return _ctx(kind, f"@{ast.unparse(dec)[:40]} (line {dec.lineno})") if kind else Ctx()


def acquire_ctx(call: ast.Call, scope: ModuleScope, cls: str | None) -> Ctx:
    """`await limiter.acquire()` in a function: the limiter paces the calls made after it there."""
    func = call.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr in _ACQUIRE
        and guard_of(func.value, scope, cls) == LIMIT
    ):
        weak = f"{SEMAPHORE_NOTE} " if is_semaphore(func.value, scope, cls) else ""
        return Ctx(limit=f"{weak}{ast.unparse(func)[:40]}() at line {call.lineno}")
    return Ctx()


def through_ctx(call: ast.Call, scope: ModuleScope, cls: str | None) -> Ctx:
    """`breaker.call(ask, q)`: the breaker guards the function it is handed."""
    func = call.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr in _THROUGH
        and guard_of(func.value, scope, cls) == BREAKER
    ):
        return Ctx(breaker=f"{ast.unparse(func)[:40]}() at line {call.lineno}")
    return Ctx()


def _ctx(kind: str, note: str) -> Ctx:
    return Ctx(breaker=note) if kind == BREAKER else Ctx(limit=note)


def _bound_to(expr: ast.expr, scope: ModuleScope, cls: str | None) -> list[str]:
    """Dotted names of the constructors a name or `self.` attribute was bound to."""
    if isinstance(expr, ast.Name):
        bound = scope.bindings.get(expr.id, [])
    elif (
        isinstance(expr, ast.Attribute)
        and isinstance(expr.value, ast.Name)
        and expr.value.id in ("self", "cls")
        and cls in scope.classes
    ):
        bound = scope.classes[cls].attrs.get(expr.attr, [])
    else:
        return []
    out = []
    for value in bound:
        if isinstance(value, ast.Call):
            name = scope.dotted(value.func)
            if name:
                out.append(name)
    # The variable's own name: `self.llm_semaphore = make_semaphore()`
    out.append(expr.id if isinstance(expr, ast.Name) else expr.attr)  # type: ignore[attr-defined]
    return out
