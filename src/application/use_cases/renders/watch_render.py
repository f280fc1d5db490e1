"""Follow a render as it happens: a `progress` event on every change, then one final event.

Driven by change signals from the database (LISTEN/NOTIFY), not by polling; the timeout only bounds
how long a lost signal could delay an event.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import UUID

from application.actor import Actor
from application.ports.renders import RenderEvents
from application.use_cases.renders.read_renders import GetRender
from domain.renders import Render, RenderStatus

FINAL_EVENT = {
    RenderStatus.SUCCEEDED: "done",
    RenderStatus.FAILED: "failed",
    RenderStatus.CANCELLED: "cancelled",
}


class WatchRender:
    def __init__(self, get_render: GetRender, events: RenderEvents, *, safety_wait_s: float = 15.0) -> None:
        self._get = get_render
        self._events = events
        self._safety_wait_s = safety_wait_s

    async def check(self, actor: Actor, render_id: UUID) -> Render:
        """Authorise before the stream starts, so a refusal is a plain problem response."""
        return await self._get.execute(actor, render_id)

    async def execute(self, actor: Actor, render_id: UUID) -> AsyncIterator[tuple[str, Render]]:
        async with self._events.watch(render_id) as signal:
            last: tuple[object, ...] | None = None
            while True:
                render = await self._get.execute(actor, render_id)
                if render.finished:
                    yield FINAL_EVENT[render.status], render
                    return
                state = (render.status, render.progress.done, render.progress.total)
                if state != last:
                    last = state
                    yield "progress", render
                await signal.wait(self._safety_wait_s)
