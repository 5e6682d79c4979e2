"""What the resolver finds: an LLM call and the client it goes through (settings.py reads both)."""

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
