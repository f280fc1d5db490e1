"""The worker's video tasks: the fill job retries a provider that is down, the sweep runs every 10 minutes."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any
from uuid import UUID

import pytest

from adapters.queue.procrastinate_app import make_queue_app
from adapters.queue.retry import JobRetryPolicy
from application.errors import ProviderAuthFailed, ProviderBadResponse, ProviderRateLimited, ProviderUnavailable
from application.use_cases.catalogue.fill_project_video import VideoFill
from application.use_cases.catalogue.refresh_pending_videos import RefreshReport
from entrypoints.worker.tasks import (
    VIDEO_SWEEP_LIMIT,
    VideoFillFailed,
    build_blueprint,
    fill_project_video,
    refresh_pending_videos,
    schedule_periodic_tasks,
)

PROJECT = UUID(int=10)


class Recorder:
    def __init__(self, result: Any = None, error: Exception | None = None) -> None:
        self.result, self.error = result, error
        self.calls: list[tuple[Any, ...]] = []

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        self.calls.append((*args, kwargs))
        if self.error is not None:
            raise self.error
        return self.result


def context_with(**use_cases: Recorder) -> Any:
    catalogue = SimpleNamespace(**{name: (lambda uc=uc: uc) for name, uc in use_cases.items()})
    container = SimpleNamespace(catalogue=catalogue)
    return SimpleNamespace(additional_context={"container": container}, job=SimpleNamespace(id=5, attempts=0))


def task_named(suffix: str) -> Any:
    return next(t for name, t in build_blueprint(JobRetryPolicy()).tasks.items() if name.endswith(suffix))


def retry_decision(exc: BaseException, attempts: int = 0) -> Any:
    task = task_named("fill_project_video")
    return task.retry_strategy.get_retry_decision(exception=exc, job=SimpleNamespace(attempts=attempts))


async def test_the_fill_job_runs_the_use_case_for_its_project_with_its_trace_id() -> None:
    use_case = Recorder(result=VideoFill.READY)
    outcome = await fill_project_video(context_with(fill_project_video=use_case), str(PROJECT), trace_id="t-3")
    assert outcome == "ready"
    assert use_case.calls == [(PROJECT, {"trace_id": "t-3"})]


@pytest.mark.parametrize(
    "error",
    [ProviderUnavailable("dailymotion"), ProviderRateLimited("dailymotion"), ProviderBadResponse("dailymotion")],
)
async def test_a_provider_down_is_retried_with_backoff_until_the_budget_runs_out(error: Exception) -> None:
    # covers: S-JOB-2
    with pytest.raises(type(error)):
        await fill_project_video(context_with(fill_project_video=Recorder(error=error)), str(PROJECT))
    first, later = retry_decision(error), retry_decision(error, attempts=3)
    assert first is not None and later is not None
    assert later.retry_at - first.retry_at > timedelta(seconds=5)  # exponential: attempt 4 waits 8–16 s, 1 waits 1–2 s
    assert retry_decision(error, attempts=100) is None


async def test_refused_credentials_fail_the_fill_job_at_once() -> None:
    refused = ProviderAuthFailed("dailymotion")
    with pytest.raises(VideoFillFailed, match="provider_auth_failed") as caught:
        await fill_project_video(context_with(fill_project_video=Recorder(error=refused)), str(PROJECT))
    assert retry_decision(caught.value) is None


async def test_the_sweep_runs_the_pending_videos_refresh() -> None:
    sweep = Recorder(result=RefreshReport(filled=2, not_found=1, still_pending=3))
    summary = await refresh_pending_videos(context_with(refresh_pending_videos=sweep), timestamp=1_800_000_000)
    assert summary == "filled 2, not found 1, still pending 3"
    assert sweep.calls == [({"limit": VIDEO_SWEEP_LIMIT},)]


def test_the_worker_schedules_the_sweep_every_ten_minutes() -> None:
    app = make_queue_app(task_modules=("entrypoints.worker.tasks",))
    assert app.periodic_registry.periodic_tasks == {}  # the API and in-process test workers defer none
    schedule_periodic_tasks(app, video_sweep=True, retention_cron=None)
    (periodic,) = app.periodic_registry.periodic_tasks.values()
    assert periodic.task.name == "subdub:refresh_pending_videos"
    assert periodic.cron == "*/10 * * * *"
    assert periodic.task.queue == "videos"


def test_the_job_retention_runs_on_its_cron_and_only_when_enabled() -> None:
    app = make_queue_app(task_modules=("entrypoints.worker.tasks",))
    schedule_periodic_tasks(app, video_sweep=False, retention_cron=None)
    assert app.periodic_registry.periodic_tasks == {}
    schedule_periodic_tasks(app, video_sweep=False, retention_cron="17 3 * * *")
    (periodic,) = app.periodic_registry.periodic_tasks.values()
    assert periodic.task.name == "subdub:remove_old_jobs"
    assert periodic.cron == "17 3 * * *"
    assert periodic.task.queue == "maintenance"
