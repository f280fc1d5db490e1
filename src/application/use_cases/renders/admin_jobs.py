"""Administration of the job queue: list jobs (the dead letters with `status=failed`) and requeue one."""

from __future__ import annotations

from application.actor import Actor
from application.authorization import Permission, authorize
from application.errors import Conflict, InvalidInput, NotFound
from application.pagination import PageOf, PageRequest
from application.ports.clock import Clock
from application.ports.renders import JobInfo
from application.ports.subtitles_uow import QueuedUnitOfWork

JOB_STATUSES = ("todo", "doing", "succeeded", "failed", "cancelled", "aborted")
RETRYABLE = frozenset({"failed", "cancelled", "aborted"})


class ListJobs:
    def __init__(self, uow: QueuedUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, page: PageRequest[int], *, status: str | None) -> PageOf[JobInfo]:
        authorize(actor, Permission.JOBS_MANAGE, entity="resource")
        if status is not None and status not in JOB_STATUSES:
            raise InvalidInput(f"status must be one of {', '.join(JOB_STATUSES)}", code="invalid_status")
        async with self._uow as uow:
            found = await uow.jobs.list(page, status=status)
            await uow.commit()
        return found


class RetryJob:
    """Requeue a dead-lettered job with a fresh retry budget; its render (if any) is queued again."""

    def __init__(self, uow: QueuedUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, actor: Actor, job_id: int) -> JobInfo:
        authorize(actor, Permission.JOBS_MANAGE, entity="resource")
        async with self._uow as uow:
            job = await uow.jobs.get(job_id)
            if job is None:
                raise NotFound("job", job_id)
            if job.status not in RETRYABLE:
                raise Conflict(f"a {job.status} job cannot be retried", code="job_not_retryable")
            await uow.jobs.retry(job_id)
            render = await uow.renders.find_by_job(job_id)
            if render is not None:
                await uow.renders.reopen(render.id, at=self._clock.now())
            await uow.audit.record(
                actor,
                "job.retried",
                "job",
                None,
                {"job_id": job_id, "task": job.task, "render_id": None if render is None else str(render.id)},
                trace_id=actor.trace_id,
            )
            requeued = await uow.jobs.get(job_id)
            await uow.commit()
        if requeued is None:
            raise NotFound("job", job_id)
        return requeued
