"""llmeng: an LLM-engineering agent team for Claude Code and the tooling that keeps it honest."""

__version__ = "0.1.0"
