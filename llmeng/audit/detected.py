"""What the resolver detected at a call: the SDK, the client it was made on, and how sure it is.

Its own module so that resolve.py (which builds it) and settings.py (which reads it) both sit above it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from llmeng.audit.knowledge import Sdk
from llmeng.audit.values import Env
from llmeng.findings import Confidence


@dataclass
class ClientRef:
    sdk: Sdk
    ctor: ast.Call | None
    env: Env
    via: str
    confidence: Confidence = Confidence.HIGH
    layers: list[tuple[ast.Call, Env]] = field(default_factory=list)
    modifiers: dict[str, int] = field(default_factory=dict)
    module: str | None = None  # an SDK module used as a value (`return litellm`): its functions are calls
    alternatives: list[ClientRef] = field(default_factory=list)  # other candidates of a name, best first


@dataclass
class Detected:
    node: ast.Call
    sdk: Sdk
    client: ClientRef | None
    implicit: bool
    confidence: Confidence
    via: str
    kind: str = "generate"  # or "embed"
    receiver: ast.expr | None = None  # set when matched by shape on an unresolved receiver
    # functools.partial(f, **kw) calls whose keywords the call also sends
    layers: list[tuple[ast.Call, Env]] = field(default_factory=list)
    wrapper: ast.expr | None = None  # the function the LLM method was handed to (`retryer(client.create)`)
    pending: str | None = None  # a model method on a receiver resolved only across modules (flow.py)
    method: str | None = None  # the SDK method the call uses, when flow.py may resolve its receiver
    shape: str | None = None  # matched by this one-word method shape alone
