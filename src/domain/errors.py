"""Domain errors carry data and a stable code, never an HTTP status."""

from __future__ import annotations


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvariantViolated(DomainError):
    """A value was built that breaks one of its rules (e.g. a cue ending before it starts)."""

    code = "invalid_value"
