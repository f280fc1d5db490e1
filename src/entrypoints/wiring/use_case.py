"""Use-case providers: handlers and jobs ask for them by name; a use case that writes is re-run in a fresh
transaction when it collides with another (serialization failure, deadlock), and a worker's bookkeeping
step also while the database is away (`DurableWriteUseCase`)."""

from __future__ import annotations

from typing import Any

from dependency_injector import providers

from adapters.postgres.retry import retrying


class UseCase(providers.Factory):  # type: ignore[type-arg]
    """A use case; the HTTP dependency map offers every one of these under its provider's name."""


class WriteUseCase(UseCase):
    """A use case that writes: built as its class with the write retry mixed in."""

    def __init__(self, provides: type | None = None, *args: Any, **kwargs: Any) -> None:
        # dependency-injector copies a provider by building an empty one and setting what it provides
        super().__init__(retrying(provides) if provides is not None else None, *args, **kwargs)


# How long a worker's bookkeeping step waits out a database restart before its job gives up.
OUTAGE_PATIENCE_S = 120.0


class DurableWriteUseCase(UseCase):
    """A worker's bookkeeping step: the write retry, also while the database is away (up to the patience)."""

    def __init__(self, provides: type | None = None, *args: Any, **kwargs: Any) -> None:
        durable = retrying(provides, outage_patience_s=OUTAGE_PATIENCE_S) if provides is not None else None
        super().__init__(durable, *args, **kwargs)
