"""Renderers shared by the agent linter and the audit."""
