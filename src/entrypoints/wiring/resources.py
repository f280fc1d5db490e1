"""Everything a process opens or must close is a Resource of one of two kinds, so one pair of
calls opens and closes it all: `running(container)` in the API lifespan, the worker and each CLI command."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from dependency_injector import containers, providers
from procrastinate import App
from psycopg_pool import AsyncConnectionPool

C = TypeVar("C", bound=containers.Container)
DATABASE_WAIT_S = 30.0


class Connects(providers.Resource):  # type: ignore[type-arg]
    """A connection to the database, opened at start (processes that need no database skip these)."""


class Closes(providers.Resource):  # type: ignore[type-arg]
    """Something built at start and closed at shutdown (HTTP clients, Redis, process pools, listeners)."""


async def opened_pool(pool: AsyncConnectionPool[Any]) -> AsyncIterator[AsyncConnectionPool[Any]]:
    await pool.open(wait=False)
    yield pool
    await pool.close()


async def opened_queue(app: App, pool: AsyncConnectionPool[Any]) -> AsyncIterator[App]:
    await app.open_async(pool)
    yield app
    await app.close_async()


async def closed_at_exit(thing: Any) -> AsyncIterator[Any]:
    """Yields `thing`; at shutdown calls its `aclose()` or `close()` (awaited when it is a coroutine)."""
    yield thing
    if thing is None:
        return
    result = (getattr(thing, "aclose", None) or thing.close)()
    if inspect.isawaitable(result):
        await result


async def _settle(result: Awaitable[Any] | None) -> None:
    if result is not None:
        await result


@asynccontextmanager
async def running(container: C, *, database: bool = True, wait_for_database: bool = False) -> AsyncIterator[C]:
    """Opens every resource (the database ones only with `database`), closes them all on the way out."""
    try:
        await _settle(container.init_resources(Closes))
        if database:
            await _settle(container.init_resources(Connects))
            if wait_for_database:
                await container.core.pool().wait(timeout=DATABASE_WAIT_S)  # type: ignore[attr-defined]
        yield container
    finally:
        await _settle(container.shutdown_resources())
