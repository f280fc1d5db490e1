"""Routes mounted only in tests, to drive the real app's error table and middleware."""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, JSONBody

from entrypoints.wiring import Container


class EchoBody(msgspec.Struct):
    name: str
    count: int


class BrokenError(Exception):
    pass


def probe_controller(container: Container) -> type[Controller]:
    def unit_of_work_factory() -> Any:
        return container.core.unit_of_work

    class ProbeController(Controller):
        path = "/api/v1/test-probes"
        dependencies = {"unit_of_work_factory": Provide(unit_of_work_factory, sync_to_thread=False)}

        @post("/echo")
        async def echo(self, data: JSONBody[EchoBody]) -> EchoBody:
            return data

        @get("/boom")
        async def boom(self) -> None:
            raise BrokenError("secret internals: SELECT * FROM users")

        @get("/slow")
        async def slow(self, seconds: FromQuery[float] = 1.0) -> dict[str, str]:
            await asyncio.sleep(seconds)
            return {"status": "finished"}

        @get("/db")
        async def db(self, unit_of_work_factory: NamedDependency[Any]) -> dict[str, int]:
            async with unit_of_work_factory() as uow:
                cur = await uow.connection.execute("SELECT 1")
                row = await cur.fetchone()
            return {"one": row[0]}

    return ProbeController
