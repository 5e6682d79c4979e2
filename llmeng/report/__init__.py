"""Renderers shared by the linter and the audit: pure functions from results to text."""
