"""Driver errors translated into application errors at the adapter edge."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import errors as pg_errors
from psycopg_pool import PoolTimeout

from application.errors import Conflict, DependencyUnavailable, TransientFailure

TRANSIENT = (pg_errors.SerializationFailure, pg_errors.DeadlockDetected)


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, TRANSIENT)


def translate(exc: BaseException) -> Exception | None:
    """The application error a driver error stands for, or None to let it propagate as is."""
    if is_transient(exc):
        return TransientFailure("the transaction collided with another one; retry")
    if isinstance(exc, pg_errors.UniqueViolation):
        constraint = getattr(exc.diag, "constraint_name", None) or "unique"
        return Conflict(f"already exists ({constraint})", code="conflict")
    if isinstance(exc, pg_errors.ForeignKeyViolation):
        return Conflict("refers to a record that does not exist", code="conflict")
    if isinstance(exc, PoolTimeout | psycopg.OperationalError) and not is_transient(exc):
        return DependencyUnavailable("database")
    return None


@contextmanager
def translated_errors() -> Iterator[None]:
    try:
        yield
    except (psycopg.Error, PoolTimeout) as exc:
        mapped = translate(exc)
        if mapped is None:
            raise
        raise mapped from exc
