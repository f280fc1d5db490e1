"""Tasks the worker runs, declared on a blueprint the shared procrastinate app takes in.

Each feature adds its own task here; the container reaches them through the job context
(`additional_context["container"]`, set by the worker runner).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
import structlog
from procrastinate import App, Blueprint, JobContext

from adapters.queue.jobs import (
    IMPORT_QUEUE,
    IMPORT_TASK,
    MAINTENANCE_QUEUE,
    RENDER_QUEUE,
    RENDER_TASK,
    VIDEO_FILL_TASK,
    VIDEO_SWEEP_TASK,
    VIDEOS_QUEUE,
)
from adapters.queue.retry import JobRetryPolicy, TransientRetryStrategy
from application.actor import Actor, GlobalRole
from application.errors import ApplicationError, ProviderError, is_transient
from application.use_cases.catalogue.fill_project_video import FillProjectVideo
from application.use_cases.catalogue.import_track import ImportTrackCommand
from application.use_cases.renders.execute_render import ExecuteRender

if TYPE_CHECKING:
    from entrypoints.wiring import Container

NAMESPACE = "subdub"
# The sweep of pending project videos: every 10 minutes, at most this many projects a run.
VIDEO_SWEEP_CRON = "*/10 * * * *"
VIDEO_SWEEP_LIMIT = 100
# Finished jobs older than SUBDUB_JOB_RETENTION_DAYS are deleted on SUBDUB_JOB_RETENTION_CRON (dead letters stay).
RETENTION_TASK = "remove_old_jobs"
log = structlog.get_logger(__name__)


def _container(context: JobContext) -> Container:
    extra: dict[str, Any] = context.additional_context or {}
    return extra["container"]  # type: ignore[no-any-return]


async def render(context: JobContext, render_id: str, trace_id: str | None = None) -> str:
    """Render one voice-over (S-JOB-1): the use case records progress, outcome and errors itself."""
    container = _container(context)
    use_case: ExecuteRender = container.renders.execute_render()
    final = container.core.job_retry_policy().is_final(context.job.attempts)
    outcome = await use_case.execute(UUID(render_id), final_attempt=final)
    log.info("render.outcome", render_id=render_id, outcome=outcome.value)
    return outcome.value


class ImportFailed(ApplicationError):
    """A provider error that waiting will not cure (quota spent until its reset time, credentials refused)."""

    code = "import_failed"


async def import_track(
    context: JobContext,
    project_id: str,
    user_id: str,
    provider: str,
    file_id: int,
    language: str,
    trace_id: str | None = None,
) -> str:
    """Download a provider's subtitle file and write it as a track, as the user who asked (re-authorised).

    The job's id goes with the command: a run of a job whose track is written returns that track (S-JOB-2).
    """
    # The global role only widens administration rights; project access comes from membership.
    actor = Actor(user_id=UUID(user_id), role=GlobalRole.MEMBER, trace_id=trace_id)
    cmd = ImportTrackCommand(
        project_id=UUID(project_id), file_id=file_id, language=language, provider=provider, job_id=context.job.id
    )
    try:
        created = await _container(context).catalogue.import_subtitle_track().execute(actor, cmd)
    except ProviderError as exc:
        if is_transient(exc):
            raise  # unavailable, rate limited, bad response: retried with backoff
        raise ImportFailed(f"{exc.code}: {exc.detail}") from exc
    log.info(
        "track_import.done",
        track_id=str(created.track.id),
        cues=created.track.cue_count,
        already_imported=created.already_imported,
    )
    return str(created.track.id)


class VideoFillFailed(ApplicationError):
    """A video provider error that waiting will not cure (credentials refused)."""

    code = "video_fill_failed"


async def fill_project_video(context: JobContext, project_id: str, trace_id: str | None = None) -> str:
    """Look a project's pending video up again: provider errors are retried with backoff, a gone video is final."""
    try:
        use_case: FillProjectVideo = _container(context).catalogue.fill_project_video()
        outcome = await use_case.execute(UUID(project_id), trace_id=trace_id)
    except ProviderError as exc:
        if is_transient(exc):
            raise  # unavailable, rate limited, bad response: retried with backoff
        raise VideoFillFailed(f"{exc.code}: {exc.detail}") from exc
    log.info("project_video.fill", project_id=project_id, outcome=outcome.value)
    return outcome.value


async def refresh_pending_videos(context: JobContext, timestamp: int) -> str:
    """The periodic safety net: every project video still pending (its own job ran out of retries)."""
    report = await _container(context).catalogue.refresh_pending_videos().execute(limit=VIDEO_SWEEP_LIMIT)
    log.info("project_video.sweep", scheduled_at=timestamp, **msgspec.to_builtins(report))
    return f"filled {report.filled}, not found {report.not_found}, still pending {report.still_pending}"


async def remove_old_jobs(context: JobContext, timestamp: int) -> str:
    """Keeps the queue's tables bounded: succeeded, cancelled and aborted jobs (and their events) past the
    retention go; failed ones stay for the admins' dead-letter list."""
    days = _container(context).settings().job_retention_days
    await context.app.job_manager.delete_old_jobs(
        nb_hours=days * 24, include_failed=False, include_cancelled=True, include_aborted=True
    )
    log.info("jobs.retention_done", scheduled_at=timestamp, retention_days=days)
    return f"removed jobs finished more than {days} days ago"


def schedule_periodic_tasks(app: App, *, video_sweep: bool, retention_cron: str | None) -> None:
    """Called by `subdub worker` only, so in-process test workers and the API defer no periodic job.

    procrastinate's deferrer in every worker defers each tick once (its periodic_defers table decides).
    The video sweep runs only when a video provider is configured (it could fill nothing otherwise);
    the retention only when SUBDUB_JOB_RETENTION_DAYS is above 0 (`retention_cron` None otherwise).
    """
    if video_sweep:
        sweep = app.tasks[f"{NAMESPACE}:{VIDEO_SWEEP_TASK}"]
        app.periodic(cron=VIDEO_SWEEP_CRON, periodic_id="pending-videos", queueing_lock="pending-videos")(sweep)
    if retention_cron is not None:
        retention = app.tasks[f"{NAMESPACE}:{RETENTION_TASK}"]
        app.periodic(cron=retention_cron, periodic_id="job-retention", queueing_lock="job-retention")(retention)


def build_blueprint(retry_policy: JobRetryPolicy) -> Blueprint:
    """A fresh blueprint per queue app (procrastinate renames the tasks of a blueprint it takes in)."""
    blueprint = Blueprint()
    retry = TransientRetryStrategy(retry_policy)  # one classification of failures for every job
    blueprint.task(name=RENDER_TASK, queue=RENDER_QUEUE, pass_context=True, retry=retry)(render)
    blueprint.task(name=IMPORT_TASK, queue=IMPORT_QUEUE, pass_context=True, retry=retry)(import_track)
    blueprint.task(name=VIDEO_FILL_TASK, queue=VIDEOS_QUEUE, pass_context=True, retry=retry)(fill_project_video)
    # Not retried: the next tick is the retry.
    blueprint.task(name=VIDEO_SWEEP_TASK, queue=VIDEOS_QUEUE, pass_context=True)(refresh_pending_videos)
    blueprint.task(name=RETENTION_TASK, queue=MAINTENANCE_QUEUE, pass_context=True)(remove_old_jobs)
    return blueprint
