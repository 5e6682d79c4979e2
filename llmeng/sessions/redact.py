"""Known secret shapes, redacted before a report reaches the log.

Each pattern is data with an id, so the log says which kind was removed and tests cover each one.
Patterns are anchored on vendor prefixes to keep false positives low; generic high-entropy
strings are deliberately not matched (they would eat commit hashes and UUIDs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class SecretPattern:
    id: str
    name: str
    regex: re.Pattern[str]


def _p(id_: str, name: str, pattern: str, flags: int = 0) -> SecretPattern:
    return SecretPattern(id_, name, re.compile(pattern, flags))


# Order matters: specific prefixes (sk-ant-) come before generic ones (sk-).
PATTERNS: tuple[SecretPattern, ...] = (
    _p("private-key", "PEM private key block",
       r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----"),
    _p("anthropic-key", "Anthropic API key", r"\bsk-ant-[A-Za-z0-9_-]{20,}"),
    _p("openai-key", "OpenAI API key", r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"),
    _p("aws-access-key", "AWS access key id", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    _p("github-token", "GitHub token", r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
    _p("slack-token", "Slack token", r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    _p("google-api-key", "Google API key", r"\bAIza[0-9A-Za-z_-]{35}"),
    _p("stripe-key", "Stripe secret key", r"\b[rs]k_live_[0-9A-Za-z]{20,}"),
    _p("huggingface-token", "Hugging Face token", r"\bhf_[A-Za-z0-9]{30,}"),
    _p("jwt", "JSON Web Token", r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    _p("bearer-token", "Bearer credential", r"(?<=Bearer )[A-Za-z0-9._~+/-]{20,}=*", re.IGNORECASE),
)


@dataclass(frozen=True)
class Redaction:
    text: str
    count: int
    kinds: tuple[str, ...]


def redact(text: str) -> Redaction:
    """Replace every known secret shape with `[REDACTED:<id>]` and count them."""
    count = 0
    kinds: list[str] = []
    for pattern in PATTERNS:
        text, n = pattern.regex.subn(f"[REDACTED:{pattern.id}]", text)
        if n:
            count += n
            kinds.append(pattern.id)
    return Redaction(text, count, tuple(kinds))
