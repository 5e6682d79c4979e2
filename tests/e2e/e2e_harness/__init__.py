"""Harness for end-to-end tests against the real Claude Code CLI and a loopback Messages-API mock."""

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# The interpreter running the tests has llmeng installed (pip install -e '.[test]'), with its scripts.
PACKAGE_BIN = Path(sys.executable).parent
