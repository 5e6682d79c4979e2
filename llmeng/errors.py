"""The one error type the core raises: what went wrong, and what to do about it."""

from __future__ import annotations


class LlmengError(Exception):
    """A failure the user can act on. `fix` says how."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return self.message
