"""Renderers: pure functions from the domains' results to text, JSON and SARIF, for both adapters."""
