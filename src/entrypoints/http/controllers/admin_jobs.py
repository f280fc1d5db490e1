"""Administration of the job queue (API.md: Administration): the dead letters, and requeueing one."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from application.actor import Actor
from application.use_cases.renders.admin_jobs import ListJobs, RetryJob
from entrypoints.http.errors import problem_responses
from entrypoints.http.pagination import Cursor, Limit, page_out, page_request
from entrypoints.http.render_schemas import JobOut
from entrypoints.http.schemas import Envelope, Page

Status = Annotated[
    str | None, QueryParameter(description="todo, doing, succeeded, failed (the dead letters), cancelled or aborted")
]


class AdminJobsController(Controller):
    path = "/api/v1/admin/jobs"
    tags = ["administration"]

    @get(
        "/",
        summary="Jobs, newest first; `?status=failed` lists the dead letters",
        responses=problem_responses(400, 401, 403, 422),
    )
    async def list_jobs(
        self,
        actor: NamedDependency[Actor],
        list_jobs: NamedDependency[ListJobs],
        status: Status = None,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> Page[JobOut]:
        found = await list_jobs.execute(actor, page_request(limit, cursor, int), status=status)
        return page_out(found, limit, JobOut.of)

    @post(
        "/{job_id:int}/retry",
        status_code=202,
        summary="Requeue a failed (dead-lettered) job with a fresh retry budget",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def retry(
        self, actor: NamedDependency[Actor], job_id: FromPath[int], retry_job: NamedDependency[RetryJob]
    ) -> Envelope[JobOut]:
        return Envelope(data=JobOut.of(await retry_job.execute(actor, job_id)))
