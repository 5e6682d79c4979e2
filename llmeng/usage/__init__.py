"""Spend from real usage records: OpenTelemetry GenAI spans, LiteLLM spend logs, Langfuse observations and raw
OpenAI / Anthropic responses, priced with genai-prices."""
