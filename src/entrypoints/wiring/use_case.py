"""Use-case providers: handlers and jobs ask for them by name; a use case that writes is re-run in a fresh
transaction when it collides with another (serialization failure, deadlock)."""

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
