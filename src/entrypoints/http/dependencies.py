"""Litestar asks, the container answers: one Provide per use case, derived from the containers."""

from __future__ import annotations

from typing import Any

from dependency_injector import providers
from litestar.di import Provide

from entrypoints.http.auth import actor_dependency
from entrypoints.wiring import Container, use_cases


def from_container(provider: providers.Provider[Any]) -> Provide:
    """A zero-argument Provide, so Litestar does not read the provider's *args as parameters."""

    def build() -> Any:
        return provider()

    return Provide(build, use_cache=False, sync_to_thread=False)


def dependencies(container: Container) -> dict[str, Provide]:
    provided = {name: from_container(provider) for name, provider in use_cases(container)}
    # `actor: Actor` on any handler: the authenticated caller, or a 401 problem.
    provided["actor"] = actor_dependency(
        container.identity.authenticate(),
        container.core.rate_limiter(),
        per_minute=container.settings().rate_limit_per_minute,
    )
    return provided
