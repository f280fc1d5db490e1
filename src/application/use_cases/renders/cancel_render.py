"""Cancel a render: a queued one leaves the queue at once, a running one is stopped by its worker
(woken by the request), a finished one cannot be cancelled (409)."""

from __future__ import annotations

from uuid import UUID

from application.actor import Actor
from application.authorization import authorize
from application.errors import Conflict, NotFound
from application.ports.clock import Clock
from application.ports.subtitles_uow import QueuedUnitOfWork
from domain.projects import ProjectAction
from domain.renders import Render, RenderStatus


class CancelRender:
    def __init__(self, uow: QueuedUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, actor: Actor, render_id: UUID) -> Render:
        async with self._uow as uow:
            access = await uow.renders.access(render_id, actor.user_id)
            if access is None:
                raise NotFound("render", render_id)
            authorize(actor, ProjectAction.EDIT, entity="render", entity_id=render_id, project_role=access.role)
            render = access.render
            if render.finished:
                raise Conflict(f"the render is already {render.status.value}", code="render_finished")
            now = self._clock.now()
            left_queue = render.job_id is not None and await uow.jobs.cancel(render.job_id)
            if left_queue or (render.status is RenderStatus.QUEUED and render.job_id is None):
                await uow.renders.cancel(render_id, at=now)
                action = "render.cancelled"
            else:
                # running, or its job was just fetched by a worker: the request wakes the worker, which stops it
                await uow.renders.request_cancel(render_id, at=now)
                action = "render.cancel_requested"
            await uow.audit.record(
                actor, action, "render", render_id, {"status": render.status.value}, trace_id=actor.trace_id
            )
            await uow.commit()
        return await self._reload(render_id)

    async def _reload(self, render_id: UUID) -> Render:
        async with self._uow as uow:
            render = await uow.renders.get(render_id)
            await uow.commit()
        if render is None:
            raise NotFound("render", render_id)
        return render
