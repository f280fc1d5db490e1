"""Creating a project whose video provider is down queues the job that fills the video in, with in-memory fakes."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from application.actor import Actor, GlobalRole
from application.errors import InvalidInput, ProviderUnavailable
from application.ports.catalog import VideoMetadata
from application.use_cases.subtitles.projects import CreateProject, CreateProjectCommand
from tests.fakes.catalogs import FakeVideoCatalog
from tests.fakes.renders import InMemoryJobQueue, RendersState
from tests.fakes.subtitles import FakeSubtitlesUnitOfWork, FixedClock, SequentialIds, Store

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
OWNER = Actor(user_id=UUID(int=1), role=GlobalRole.MEMBER, trace_id="trace-9")


class FakeProjectsUnitOfWork(FakeSubtitlesUnitOfWork):
    def __init__(self, store: Store, jobs: RendersState) -> None:
        super().__init__(store)
        self.jobs = InMemoryJobQueue(jobs)


class DownCatalog(FakeVideoCatalog):
    async def video(self, video_id: str) -> VideoMetadata:
        raise ProviderUnavailable("dailymotion")


def world(videos: FakeVideoCatalog | None) -> tuple[CreateProject, Store, RendersState]:
    store, jobs = Store(), RendersState()
    uow = FakeProjectsUnitOfWork(store, jobs)
    return CreateProject(uow, FixedClock(NOW), SequentialIds(), videos), store, jobs


def with_video(video_id: str = "x7lni3") -> CreateProjectCommand:
    return CreateProjectCommand(title="Kart", video_provider="dailymotion", video_id=video_id)


async def test_a_pending_video_queues_its_fill_job_with_the_project_and_the_trace_id() -> None:
    use_case, store, jobs = world(DownCatalog())
    created = await use_case.execute(OWNER, with_video())
    assert created.project.video is not None and created.project.video.status == "pending"
    ((job_id, job),) = jobs.jobs.items()
    assert (job.task, job.status, job.trace_id) == ("subdub:fill_project_video", "todo", "trace-9")
    assert jobs.job_args[job_id] == {"project_id": str(created.project.id), "trace_id": "trace-9"}
    (entry,) = store.audit
    assert entry["action"] == "project.created" and entry["changes"]["video_job_id"] == job_id


@pytest.mark.parametrize(
    ("videos", "command"),
    [
        (FakeVideoCatalog(), with_video()),  # found at once
        (None, with_video()),  # provider not configured here: nothing would ever fill it but the sweep
        (DownCatalog(), CreateProjectCommand(title="No video")),
    ],
    ids=["ready", "provider disabled", "no video"],
)
async def test_no_job_when_there_is_nothing_a_retry_could_fill(
    videos: FakeVideoCatalog | None, command: CreateProjectCommand
) -> None:
    use_case, store, jobs = world(videos)
    await use_case.execute(OWNER, command)
    assert jobs.jobs == {}
    assert "video_job_id" not in store.audit[0]["changes"]


async def test_an_unknown_video_creates_nothing_and_queues_nothing() -> None:
    use_case, store, jobs = world(FakeVideoCatalog())
    with pytest.raises(InvalidInput):
        await use_case.execute(OWNER, with_video("x0gone"))
    assert store.projects == {} and jobs.jobs == {}
