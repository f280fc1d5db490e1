"""Typed application errors with stable codes; the entrypoints map each kind to a response."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str


class ApplicationError(Exception):
    code = "application_error"

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code


class NotFound(ApplicationError):
    code = "not_found"

    def __init__(self, entity: str, entity_id: object | None = None) -> None:
        super().__init__(f"{entity} not found")
        self.entity = entity
        self.entity_id = entity_id


class Conflict(ApplicationError):
    code = "conflict"


class Forbidden(ApplicationError):
    code = "forbidden"


class Unauthenticated(ApplicationError):
    code = "unauthenticated"


class InvalidInput(ApplicationError):
    """Well-formed but semantically invalid input (answered 422)."""

    code = "invalid_input"

    def __init__(self, detail: str, errors: Sequence[FieldError] = (), *, code: str | None = None) -> None:
        super().__init__(detail, code=code)
        self.errors = tuple(errors)


class PreconditionFailed(ApplicationError):
    code = "precondition_failed"


class PayloadTooLarge(ApplicationError):
    code = "payload_too_large"


class RateLimited(ApplicationError):
    code = "rate_limited"

    def __init__(self, detail: str, *, retry_after_s: int, code: str | None = None) -> None:
        super().__init__(detail, code=code)
        self.retry_after_s = retry_after_s


class DependencyUnavailable(ApplicationError):
    """A dependency (database, provider, engine) is down or refusing; transient by nature."""

    code = "dependency_unavailable"

    def __init__(
        self, dependency: str, detail: str | None = None, *, retry_after_s: int = 5, code: str | None = None
    ) -> None:
        super().__init__(detail or f"{dependency} is unavailable", code=code)
        self.dependency = dependency
        self.retry_after_s = retry_after_s


class TransientFailure(ApplicationError):
    """The work collided with another transaction (serialization failure, deadlock); safe to re-run."""

    code = "transient_failure"
