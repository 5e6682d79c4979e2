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
    hints: tuple[str, ...]  # substrings every match contains: a cheap test before the regex runs


def _p(id_: str, name: str, hints: tuple[str, ...], pattern: str, flags: int = 0) -> SecretPattern:
    return SecretPattern(id_, name, re.compile(pattern, flags), hints)


# Order matters: specific prefixes (sk-ant-) come before generic ones (sk-).
PATTERNS: tuple[SecretPattern, ...] = (
    _p(
        "private-key",
        "PEM private key block",
        ("PRIVATE KEY-----",),
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----",
    ),
    _p("anthropic-key", "Anthropic API key", ("sk-ant-",), r"\bsk-ant-[A-Za-z0-9_-]{20,}"),
    _p("openai-key", "OpenAI API key", ("sk-",), r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"),
    _p("aws-access-key", "AWS access key id", ("AKIA", "ASIA"), r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    _p(
        "github-token",
        "GitHub token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})",
    ),
    _p("slack-token", "Slack token", ("xox",), r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    _p("google-api-key", "Google API key", ("AIza",), r"\bAIza[0-9A-Za-z_-]{35}"),
    _p("stripe-key", "Stripe secret key", ("k_live_",), r"\b[rs]k_live_[0-9A-Za-z]{20,}"),
    _p("huggingface-token", "Hugging Face token", ("hf_",), r"\bhf_[A-Za-z0-9]{30,}"),
    _p("jwt", "JSON Web Token", ("eyJ",), r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    _p(
        "bearer-token",
        "Bearer credential",
        ("earer ", "EARER "),
        r"(?<=Bearer )[A-Za-z0-9._~+/-]{20,}=*",
        re.IGNORECASE,
    ),
)


# One scan for every hint: most reports hold no secret and leave after it.
_ANY_HINT = re.compile("|".join(re.escape(hint) for pattern in PATTERNS for hint in pattern.hints))


@dataclass(frozen=True)
class Redaction:
    text: str
    count: int
    kinds: tuple[str, ...]


def redact(text: str) -> Redaction:
    """Replace every known secret shape with `[REDACTED:<id>]` and count them."""
    if not _ANY_HINT.search(text):
        return Redaction(text, 0, ())
    count = 0
    kinds: list[str] = []
    for pattern in PATTERNS:
        if not any(hint in text for hint in pattern.hints):
            continue
        text, n = pattern.regex.subn(f"[REDACTED:{pattern.id}]", text)
        if n:
            count += n
            kinds.append(pattern.id)
    return Redaction(text, count, tuple(kinds))
