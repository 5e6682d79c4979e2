import pytest

from llmeng.sessions.redact import PATTERNS, redact, safe_cut
from tests.sessions.secret_shapes import SHAPES

SAMPLES = {
    "private-key": "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY-----",
    "anthropic-key": "sk-ant-api03-" + "a1B2" * 10,
    "openai-key": "sk-proj-" + "Z9y8" * 8,
    "aws-access-key": "AKIA" + "ABCDEFGHIJKLMNOP",
    "github-token": "ghp_" + "a" * 36,
    "slack-token": "xoxb-123456789012-abcdefABCDEF",
    "google-api-key": "AIza" + "S" * 35,
    "stripe-key": "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "huggingface-token": "hf_" + "abcdefghijklmnopqrstuvwxyzABCDEF",
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "bearer-token": "Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345",
}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_each_secret_shape_is_redacted_and_counted(kind):
    result = redact(f"before {SAMPLES[kind]} after")
    assert result.count == 1
    assert result.kinds == (kind,)
    assert f"[REDACTED:{kind}]" in result.text
    assert result.text.startswith("before ") and result.text.endswith(" after")


def test_counts_several_secrets():
    result = redact(
        f"{SAMPLES['github-token']} and {SAMPLES['aws-access-key']} and {SAMPLES['github-token']}"
    )
    assert result.count == 3


@pytest.mark.parametrize(
    "harmless",
    [
        "commit 4f1c2a9e8b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e",
        "uuid 123e4567-e89b-12d3-a456-426614174000",
        "the sk-learn library",
        "task-ant-colony",
        "Bearer short",
        "AKIAshort",
    ],
)
def test_ordinary_text_is_left_alone(harmless):
    assert redact(harmless).count == 0


# The whole corpus: every shape is masked, counted once, and named by the expected pattern.
@pytest.mark.parametrize(("kind", "text"), [(k, t) for _, k, t in SHAPES], ids=[s for s, _, _ in SHAPES])
def test_every_secret_shape_in_the_corpus_is_masked(kind, text):
    result = redact(f"Found this in config.py: {text}\nPlease rotate it.")
    assert result.kinds == (kind,) and result.count == 1, result.text
    assert "Please rotate it." in result.text and f"[REDACTED:{kind}]" in result.text
    secret_part = text.split("=", 1)[-1].split(": ", 1)[-1].split(":", 2)[-1].split("@")[0]
    assert secret_part[-12:] not in result.text


def test_the_corpus_is_large_and_covers_every_pattern():
    assert len(SHAPES) >= 60
    assert {p.id for p in PATTERNS} == {k for _, k, _ in SHAPES}


@pytest.mark.parametrize(
    "reference",
    [
        'api_key=os.environ["OPENAI_API_KEY"]',
        "api_key=settings.openai_key",
        'password="${DB_PASSWORD}"',
        "token: <your-token-here>",
        "max_tokens=4096",
        "the risk-assessment-framework-for-everyone",
        "https://docs.example.com:8443/path",
        "Basic authentication is deprecated here",
    ],
)
def test_references_to_secrets_are_not_masked(reference):
    assert redact(reference).count == 0


@pytest.mark.parametrize(("kind", "secret"), [(k, t) for _, k, t in SHAPES], ids=[s for s, _, _ in SHAPES])
def test_a_cut_never_splits_a_secret(kind, secret):
    text = "Summary of the audit.\n" + secret + "\nMore findings follow."
    inside = len("Summary of the audit.\n") + len(secret) // 2
    cut = safe_cut(text, inside)
    assert cut <= inside and redact(text[:cut]).text == text[:cut].replace(secret, "")
    assert secret[len(secret) // 3 :] not in text[:cut]


def test_a_session_title_with_a_secret_is_masked_in_file_name_and_header(tmp_path):
    from datetime import UTC, datetime

    from llmeng.sessions.store import SessionContext, start_session

    for _, _, secret in SHAPES:
        if "\n" in secret:
            continue  # a title is one line
        info = start_session(
            tmp_path, f"rotate {secret} now", now=datetime.now(UTC), context=SessionContext("/", None)
        )
        written = info.path.read_text()
        value = _masked_value(secret)
        assert value not in written and value[-12:] not in info.path.name, secret
        assert "[REDACTED:" in written and "redacted" in info.id


def _masked_value(sample: str) -> str:
    """The part of `sample` that redaction replaces (for `password=...` only the value)."""
    masked = redact(sample).text
    start = masked.index("[REDACTED:")
    after = len(masked) - masked.index("]", start) - 1
    return sample[start : len(sample) - after]
