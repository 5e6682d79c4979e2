"""Harness for end-to-end tests against the real Claude Code CLI and a loopback Messages-API mock."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
