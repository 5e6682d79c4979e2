"""Made-up secrets in every shape the session log must mask: (shape, expected pattern id, text).

Values are assembled here from repeated characters, never copied from anywhere: none is a real
credential. The text around a value is what usually stands beside it in a report.
"""

from __future__ import annotations

A36 = "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5"  # 36 mixed letters and digits
HEX32 = "0123456789abcdef" * 2
B64_40 = "wJalrXUtnFEMIK7MDENGbPxRfiCY" + "Q1w2E3r4T5y6"


def _pem(label: str, *, end: bool = True) -> str:
    body = "\n".join(["MIIEowIBAAKCAQEA" + "x9Y8" * 14] * 6)
    head = f"-----BEGIN {label}-----\n{body}\n"
    return head + (f"-----END {label}-----" if end else "")


SHAPES: list[tuple[str, str, str]] = [
    ("pem-rsa", "private-key", _pem("RSA PRIVATE KEY")),
    ("pem-ec", "private-key", _pem("EC PRIVATE KEY")),
    ("pem-pkcs8", "private-key", _pem("PRIVATE KEY")),
    ("pem-encrypted", "private-key", _pem("ENCRYPTED PRIVATE KEY")),
    ("pem-openssh", "private-key", _pem("OPENSSH PRIVATE KEY")),
    ("pem-dsa", "private-key", _pem("DSA PRIVATE KEY")),
    ("pgp-private-block", "private-key", _pem("PGP PRIVATE KEY BLOCK")),
    ("pem-without-end", "private-key", _pem("RSA PRIVATE KEY", end=False)),
    ("anthropic-api", "anthropic-key", "sk-ant-api03-" + A36 + "-AA"),
    ("anthropic-admin", "anthropic-key", "sk-ant-admin01-" + A36),
    ("anthropic-glued", "anthropic-key", "mykeysk-ant-api03-" + A36),
    ("openai-project", "openai-key", "sk-proj-" + A36 + "_" + A36),
    ("openai-service-account", "openai-key", "sk-svcacct-" + A36),
    ("openai-admin", "openai-key", "sk-admin-" + A36),
    ("openai-legacy", "openai-key", "sk-" + A36 + "1a2b3c4d5e6f"),
    ("openai-glued", "openai-key", "OPENAI_KEYsk-proj-" + A36),
    ("openrouter", "openrouter-key", "sk-or-v1-" + HEX32 + HEX32),
    ("langfuse-secret", "langfuse-key", "sk-lf-" + "1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"),
    ("aws-access-key-id", "aws-access-key", "AKIA" + "Q3W5E7R9T1Y3U5I7"),
    ("aws-temporary-key-id", "aws-access-key", "ASIA" + "Q3W5E7R9T1Y3U5I7"),
    ("aws-secret-env", "aws-secret-key", "AWS_SECRET_ACCESS_KEY=" + B64_40),
    ("aws-secret-ini", "aws-secret-key", "aws_secret_access_key = " + B64_40),
    ("aws-secret-json", "aws-secret-key", '"awsSecretKey": "' + B64_40 + '"'),
    ("github-classic", "github-token", "ghp_" + A36),
    ("github-oauth", "github-token", "gho_" + A36),
    ("github-user-to-server", "github-token", "ghu_" + A36),
    ("github-server-to-server", "github-token", "ghs_" + A36),
    ("github-refresh", "github-token", "ghr_" + A36),
    ("github-fine-grained", "github-token", "github_pat_" + "11ABCDEFG0" + A36),
    ("gitlab-personal", "gitlab-token", "glpat-" + "xY9z8W7v6U5t4S3r2Q1p"),
    ("gitlab-pipeline-trigger", "gitlab-token", "glptt-" + HEX32 + "abcd1234"),
    ("gitlab-deploy", "gitlab-token", "gldt-" + "xY9z8W7v6U5t4S3r2Q1p"),
    ("gitlab-runner", "gitlab-token", "glrt-" + "xY9z8W7v6U5t4S3r2Q1p"),
    ("slack-bot", "slack-token", "xoxb-" + "123456789012-1234567890123-" + "aB3dE5gH7jK9mN1pQ3sT5vW7"),
    ("slack-user", "slack-token", "xoxp-" + "123456789012-1234567890123-" + "aB3dE5gH7jK9"),
    ("slack-legacy-workspace", "slack-token", "xoxa-2-" + "123456789012-aB3dE5gH7jK9"),
    ("slack-refresh", "slack-token", "xoxe-1-" + "aB3dE5gH7jK9mN1pQ3sT5vW7"),
    ("slack-app-level", "slack-app-token", "xapp-1-" + "A0123BCDEFG-1234567890123-" + HEX32),
    (
        "slack-webhook",
        "slack-webhook",
        "https://hooks.slack.com/services/T0123ABCD/B0123ABCD/" + "aB3dE5gH7jK9mN1p",
    ),
    ("discord-webhook", "discord-webhook", "https://discord.com/api/webhooks/123456789012345678/" + A36),
    ("google-api", "google-api-key", "AIza" + "Sy" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3"),
    ("stripe-live-secret", "stripe-key", "sk_live_" + "aB3dE5gH7jK9mN1pQ3sT5vW7"),
    ("stripe-live-restricted", "stripe-key", "rk_live_" + "aB3dE5gH7jK9mN1pQ3sT5vW7"),
    ("stripe-test-secret", "stripe-key", "sk_test_" + "aB3dE5gH7jK9mN1pQ3sT5vW7"),
    ("huggingface", "huggingface-token", "hf_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF"),
    ("groq", "groq-key", "gsk_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5kL7mN9p"),
    ("xai", "xai-key", "xai-" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5kL7mN9p"),
    ("replicate", "replicate-token", "r8_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3"),
    ("perplexity", "perplexity-key", "pplx-" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5kL7mN9p"),
    ("fireworks", "fireworks-key", "fw_" + "aB3dE5gH7jK9mN1pQ3sT5vW7"),
    ("langsmith-personal", "langsmith-key", "lsv2_pt_" + HEX32 + "_" + "0123456789"),
    ("langsmith-service", "langsmith-key", "lsv2_sk_" + HEX32 + "_" + "0123456789"),
    ("pinecone", "pinecone-key", "pcsk_" + "aB3dE5_" + "gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5kL7mN9pQ1r"),
    ("npm", "npm-token", "npm_" + A36),
    (
        "pypi",
        "pypi-token",
        "pypi-AgEIcHlwaS5vcmc" + "CJDAwMDAwMDAw" + "LTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMAACKlsz",
    ),
    (
        "sendgrid",
        "sendgrid-key",
        "SG." + "aB3dE5gH7jK9mN1pQ3sT5v" + "." + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5kL7mN9p",
    ),
    ("twilio-api-key", "twilio-key", "SK" + HEX32),
    ("mailgun", "mailgun-key", "key-" + HEX32),
    ("digitalocean-personal", "digitalocean-token", "dop_v1_" + HEX32 * 2),
    ("digitalocean-oauth", "digitalocean-token", "doo_v1_" + HEX32 * 2),
    ("databricks", "databricks-token", "dapi" + HEX32),
    ("shopify-access", "shopify-token", "shpat_" + HEX32),
    ("shopify-shared-secret", "shopify-token", "shpss_" + HEX32),
    ("linear", "linear-key", "lin_api_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5kL7m"),
    ("notion", "notion-token", "ntn_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5kL7mN9p"),
    ("atlassian", "atlassian-token", "ATATT3" + "xFfGF0" + A36 * 3),
    ("doppler", "doppler-token", "dp.pt." + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5kL7mN9p"),
    ("telegram-bot", "telegram-bot-token", "123456789:AA" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3"),
    ("azure-storage", "azure-storage-key", "AccountKey=" + ("aB3dE5gH7jK9mN1pQ3sT5v" * 4)[:86] + "=="),
    (
        "jwt",
        "jwt",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    ),
    ("bearer-header", "bearer-token", "Authorization: Bearer " + A36),
    ("basic-auth-header", "basic-auth", "Authorization: Basic " + "dXNlcjpwYXNzd29yZDEyMw=="),
    (
        "url-password-postgres",
        "url-password",
        "postgres://admin:" + "Tr0ub4dor-3xyz" + "@db.internal:5432/app",
    ),
    ("url-password-redis", "url-password", "redis://default:" + "Tr0ub4dor3xyz" + "@cache:6379/0"),
    ("url-password-https", "url-password", "https://deploy:" + "Tr0ub4dor3xyz" + "@git.example.com/repo.git"),
    ("password-assignment", "password-assignment", 'DB_PASSWORD = "' + "Tr0ub4dor-3xyz" + '"'),
    ("password-yaml", "password-assignment", "password: " + "Tr0ub4dor3xyz"),
    ("client-secret", "password-assignment", "client_secret=" + A36),
]
