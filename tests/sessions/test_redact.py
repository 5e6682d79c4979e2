import pytest

from llmeng.sessions.redact import PATTERNS, redact

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


def test_every_pattern_has_a_sample():
    assert {p.id for p in PATTERNS} == set(SAMPLES)


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
