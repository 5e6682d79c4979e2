"""Known secret shapes, redacted before a report reaches the log.

Each pattern is data with an id, so the log says which kind was removed and tests cover each one.
Patterns are anchored on vendor prefixes, or on the word that names a value (password=,
aws_secret_access_key=, user:password@), to keep false positives low; bare high-entropy strings are
deliberately not matched (they would eat commit hashes and UUIDs). Shapes follow each vendor's
published token format; tests/sessions/test_redact.py holds a made-up sample of each.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SecretPattern:
    id: str
    name: str
    regex: re.Pattern[str]
    # Substrings every match contains: a cheap test before the regex runs. For a pattern that
    # ignores case they are lower-case and tested against the lower-cased text.
    hints: tuple[str, ...]

    @property
    def folds_case(self) -> bool:
        return bool(self.regex.flags & re.IGNORECASE)


def _p(id_: str, name: str, hints: tuple[str, ...], pattern: str, flags: int = 0) -> SecretPattern:
    """A pattern; when it has a group, only the group (the secret value) is masked."""
    if flags & re.IGNORECASE:
        hints = tuple(h.lower() for h in hints)
    return SecretPattern(id_, name, re.compile(pattern, flags), hints)


# A prefix long and odd enough to stand glued to a preceding word ("mykeysk-ant-...") is matched
# anywhere; a short one only where no letter or digit comes before it.
_NOT_AFTER_WORD = r"(?<![A-Za-z0-9])"
# A value that reads a secret from elsewhere (os.environ[...], settings.key, $VAR, <placeholder>)
# is not itself a secret.
_NOT_A_REFERENCE = r"(?![A-Za-z_][A-Za-z0-9_]*[.(\[])(?![$<{%])(?!\[REDACTED:)"

# Order matters: specific prefixes (sk-ant-) come before generic ones (sk-), and whole blocks
# (private keys, URLs) before the tokens they may contain.
PATTERNS: tuple[SecretPattern, ...] = (
    _p(
        "private-key",
        "PEM or PGP private key block (to its END line, or to the end when it was cut)",
        ("PRIVATE KEY",),
        # Every line that can belong to the block (base64, blank, "Header: value"), so a block cut
        # before its END line is masked to where the block's text stops.
        r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"
        r"(?:\r?\n(?:[A-Za-z0-9+/=]+(?=\r?\n|\Z)|[A-Za-z][A-Za-z-]*: [^\r\n]*|(?=\r?\n)))*"
        r"(?:\r?\n-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----)?",
    ),
    _p(
        "slack-webhook",
        "Slack incoming webhook URL",
        ("hooks.slack.com/",),
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]{20,}",
    ),
    _p(
        "discord-webhook",
        "Discord webhook URL",
        ("/api/webhooks/",),
        r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_-]{20,}",
    ),
    _p(
        "url-password",
        "password in a URL (scheme://user:password@host)",
        ("://",),
        r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/:@'\"]+:([^\s/@'\"]+)@[^\s/@'\"]",
    ),
    _p(
        "basic-auth",
        "HTTP Basic credentials",
        ("basic",),
        r"\bauthorization[\"']?\s*[:=]\s*[\"']?basic\s+([A-Za-z0-9+/]{8,}={0,2})",
        re.IGNORECASE,
    ),
    _p("anthropic-key", "Anthropic API key", ("sk-ant-",), r"sk-ant-[A-Za-z0-9_-]{20,}"),
    _p("openrouter-key", "OpenRouter API key", ("sk-or-",), r"sk-or-v1-[A-Za-z0-9]{32,}"),
    _p("langfuse-key", "Langfuse secret key", ("sk-lf-",), r"sk-lf-[A-Za-z0-9-]{20,}"),
    _p(
        "openai-key",
        "OpenAI API key",
        ("sk-",),
        r"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}|\bsk-[A-Za-z0-9]{32,}"
        r"|sk-(?=[A-Za-z0-9]*[0-9])(?=[A-Za-z0-9]*[A-Z])[A-Za-z0-9]{40,}",
    ),
    _p("aws-access-key", "AWS access key id", ("AKIA", "ASIA"), r"(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Z])"),
    _p(
        "aws-secret-key",
        "AWS secret access key",
        ("aws",),
        r"aws[a-z0-9_.-]{0,20}?secret[a-z0-9_.-]{0,20}[\"']?\s*[:=]\s*[\"']?"
        r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])",
        re.IGNORECASE,
    ),
    _p(
        "github-token",
        "GitHub token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        r"gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}",
    ),
    _p(
        "gitlab-token",
        "GitLab token",
        ("glpat-", "glptt-", "gldt-", "glrt-", "glcbt-", "gloas-"),
        r"gl(?:pat|ptt|dt|rt|cbt|oas)-[A-Za-z0-9_-]{20,}",
    ),
    _p("slack-token", "Slack token", ("xox",), r"xox[abprse]-[A-Za-z0-9-]{10,}"),
    _p("slack-app-token", "Slack app-level token", ("xapp-",), r"xapp-\d-[A-Za-z0-9-]{20,}"),
    _p("google-api-key", "Google API key", ("AIza",), r"AIza[0-9A-Za-z_-]{35}"),
    _p("stripe-key", "Stripe secret key", ("k_live_", "k_test_"), r"[rs]k_(?:live|test)_[0-9A-Za-z]{20,}"),
    _p("huggingface-token", "Hugging Face token", ("hf_",), _NOT_AFTER_WORD + r"hf_[A-Za-z0-9]{30,}"),
    _p("groq-key", "Groq API key", ("gsk_",), r"gsk_[A-Za-z0-9]{40,}"),
    _p("xai-key", "xAI API key", ("xai-",), _NOT_AFTER_WORD + r"xai-[A-Za-z0-9]{40,}"),
    _p("replicate-token", "Replicate API token", ("r8_",), _NOT_AFTER_WORD + r"r8_[A-Za-z0-9]{30,}"),
    _p("perplexity-key", "Perplexity API key", ("pplx-",), r"pplx-[A-Za-z0-9]{40,}"),
    _p("fireworks-key", "Fireworks API key", ("fw_",), _NOT_AFTER_WORD + r"fw_[A-Za-z0-9]{20,}"),
    _p("langsmith-key", "LangSmith API key", ("lsv2_",), r"lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}"),
    _p("pinecone-key", "Pinecone API key", ("pcsk_",), r"pcsk_[A-Za-z0-9_]{40,}"),
    _p("npm-token", "npm access token", ("npm_",), _NOT_AFTER_WORD + r"npm_[A-Za-z0-9]{36}"),
    _p("pypi-token", "PyPI upload token", ("pypi-",), r"pypi-AgE[A-Za-z0-9_-]{50,}"),
    _p(
        "sendgrid-key",
        "SendGrid API key",
        ("SG.",),
        _NOT_AFTER_WORD + r"SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}",
    ),
    _p("twilio-key", "Twilio API key SID", ("SK",), _NOT_AFTER_WORD + r"SK[0-9a-f]{32}(?![0-9a-f])"),
    _p("mailgun-key", "Mailgun API key", ("key-",), _NOT_AFTER_WORD + r"key-[0-9a-f]{32}(?![0-9a-f])"),
    _p("digitalocean-token", "DigitalOcean token", ("_v1_",), r"do[pro]_v1_[0-9a-f]{64}"),
    _p("databricks-token", "Databricks token", ("dapi",), _NOT_AFTER_WORD + r"dapi[0-9a-f]{32}(?:-\d)?"),
    _p("shopify-token", "Shopify access token", ("shp",), r"shp(?:at|ss|ca|pa)_[0-9a-fA-F]{32}"),
    _p("linear-key", "Linear API key", ("lin_api_",), r"lin_api_[A-Za-z0-9]{40}"),
    _p(
        "notion-token",
        "Notion integration token",
        ("ntn_", "secret_"),
        r"ntn_[A-Za-z0-9]{40,}|secret_[A-Za-z0-9]{43}",
    ),
    _p("atlassian-token", "Atlassian API token", ("ATATT",), r"ATATT3[A-Za-z0-9_=-]{100,}"),
    _p("doppler-token", "Doppler token", ("dp.",), r"dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,}"),
    _p(
        "telegram-bot-token",
        "Telegram bot token",
        (":AA",),
        _NOT_AFTER_WORD + r"\d{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])",
    ),
    _p(
        "azure-storage-key",
        "Azure storage account key",
        ("accountkey=",),
        r"AccountKey=([A-Za-z0-9+/]{86}==)",
        re.IGNORECASE,
    ),
    _p("jwt", "JSON Web Token", ("eyJ",), r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    _p(
        "bearer-token",
        "Bearer credential",
        ("earer ", "EARER "),
        r"(?<=Bearer )[A-Za-z0-9._~+/-]{20,}=*",
        re.IGNORECASE,
    ),
    _p(
        "password-assignment",
        "password, secret or key assigned a literal value",
        (
            "pass",
            "pwd",
            "secret",
            "apikey",
            "api_key",
            "access_token",
            "accesstoken",
            "auth_token",
            "authtoken",
        ),
        r"\b(?:[A-Za-z0-9]+_)*(?:password|passwd|pwd|secret|api_?key|secret_?key|access_?token|auth_?token)"
        r"[\"']?\s*[:=]\s*[\"']?" + _NOT_A_REFERENCE + r"([^\s\"'`,;)]{8,})",
        re.IGNORECASE,
    ),
)


# One scan for every hint: most reports hold no secret and leave after it.
_ANY_HINT = re.compile(
    "|".join(
        [re.escape(hint) for pattern in PATTERNS if not pattern.folds_case for hint in pattern.hints]
        + [
            "(?i:" + re.escape(hint) + ")"
            for pattern in PATTERNS
            if pattern.folds_case
            for hint in pattern.hints
        ]
    )
)


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
    lowered: str | None = None
    for pattern in PATTERNS:
        if pattern.folds_case:
            lowered = text.lower() if lowered is None else lowered
            seen = any(hint in lowered for hint in pattern.hints)
        else:
            seen = any(hint in text for hint in pattern.hints)
        if not seen:
            continue
        text, n = pattern.regex.subn(_masker(pattern), text)
        if n:
            lowered = None
            count += n
            kinds.append(pattern.id)
    return Redaction(text, count, tuple(kinds))


def safe_cut(text: str, limit: int) -> int:
    """The largest index <= `limit` at which `text` can be cut without splitting a secret.

    Cutting inside a secret would leave a part too short for its pattern to recognise (13 of 30
    lines of a private key, a token's first half), and the part would reach the log unmasked.
    """
    if limit >= len(text) or not _ANY_HINT.search(text):
        return min(limit, len(text))
    cut = limit
    for pattern in PATTERNS:
        for match in pattern.regex.finditer(text, 0, len(text)):
            if match.start() >= cut:
                break
            if match.start() < cut < match.end():
                cut = match.start()
    return cut


def _masker(pattern: SecretPattern) -> Callable[[re.Match[str]], str]:
    mask = f"[REDACTED:{pattern.id}]"
    if not pattern.regex.groups:
        return lambda _m: mask
    # Keep what names the secret ("password=", "postgres://user:") and mask the value alone.
    return lambda m: m.group(0)[: m.start(1) - m.start(0)] + mask + m.group(0)[m.end(1) - m.start(0) :]
