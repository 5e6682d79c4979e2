"""Read SDK defaults (timeouts, retries, output bounds) out of pinned wheels, without installing them.

`scripts/gen_sdk_defaults.py` downloads the wheels pinned in `scripts/sdk_wheels.toml` and calls
`generate`; the result is `llmeng/data/sdk_defaults.toml`, which `llmeng.audit.knowledge` reads.
"""
