"""Litestar asks, the container answers: one Provide per use case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dependency_injector import providers
from litestar.di import Provide

from entrypoints.container import Container


def from_container(provider: providers.Provider[Any]) -> Provide:
    """A zero-argument Provide, so Litestar does not read the provider's *args as parameters."""

    def build() -> Any:
        return provider()

    return Provide(build, use_cache=False, sync_to_thread=False)


def dependencies(container: Container) -> dict[str, Provide]:
    providers_by_name: dict[str, Callable[[], Any] | providers.Provider[Any]] = {
        "check_readiness": container.check_readiness,
    }
    return {name: from_container(p) for name, p in providers_by_name.items()}  # type: ignore[arg-type]
