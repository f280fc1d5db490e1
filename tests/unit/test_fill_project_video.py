"""Filling one project's pending video (the job queued with the project), with in-memory fakes."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import msgspec
import pytest

from application.errors import ProviderUnavailable
from application.ports.catalog import VideoMetadata
from application.use_cases.catalogue.fill_project_video import FillProjectVideo, VideoFill
from domain.projects import Project, VideoRef
from tests.fakes.catalogs import FakeVideoCatalog
from tests.fakes.subtitles import FakeSubtitlesUnitOfWork, FixedClock, Store

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
PROJECT = UUID(int=1)


def store_with(video: VideoRef | None) -> Store:
    store = Store()
    store.projects[PROJECT] = Project(
        id=PROJECT, title="p", owner_id=UUID(int=99), created_at=NOW, updated_at=NOW, video=video
    )
    return store


def pending(video_id: str = "x7lni3") -> VideoRef:
    return VideoRef(provider="dailymotion", id=video_id)


def fill(store: Store, catalog: FakeVideoCatalog | None = None) -> FillProjectVideo:
    return FillProjectVideo(FakeSubtitlesUnitOfWork(store), catalog, FixedClock(NOW))


class DownCatalog(FakeVideoCatalog):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    async def video(self, video_id: str) -> VideoMetadata:
        self.calls += 1
        raise ProviderUnavailable("dailymotion")


async def test_a_pending_video_is_filled_in_and_audited_with_the_creating_request_trace() -> None:
    store = store_with(pending())
    assert await fill(store, FakeVideoCatalog()).execute(PROJECT, trace_id="t-7") is VideoFill.READY
    project = store.projects[PROJECT]
    assert project.video is not None and project.video.status == "ready"
    assert project.video.title == "Mario Kart (Rémi Gaillard)" and project.video.duration_ms == 136_000
    assert project.version == 2
    assert [(e["action"], e["actor"], e["changes"]["video_status"]) for e in store.audit] == [
        ("project.video_filled", None, "ready")
    ]


async def test_a_provider_down_raises_for_the_job_to_retry_and_writes_nothing() -> None:
    store = store_with(pending())
    with pytest.raises(ProviderUnavailable):
        await fill(store, DownCatalog()).execute(PROJECT)
    assert store.projects[PROJECT].video == pending() and store.projects[PROJECT].version == 1
    assert store.audit == []


async def test_a_video_gone_is_marked_not_found_and_not_retried() -> None:
    store = store_with(pending("x0gone"))
    assert await fill(store, FakeVideoCatalog()).execute(PROJECT) is VideoFill.NOT_FOUND
    assert store.projects[PROJECT].video == VideoRef(provider="dailymotion", id="x0gone", status="not_found")
    assert [e["changes"]["video_status"] for e in store.audit] == ["not_found"]


@pytest.mark.parametrize(
    "video",
    [None, msgspec.structs.replace(pending(), status="ready", title="already", duration_ms=1)],
    ids=["no video", "already filled"],
)
async def test_nothing_pending_asks_the_provider_nothing(video: VideoRef | None) -> None:
    store, catalog = store_with(video), DownCatalog()
    assert await fill(store, catalog).execute(PROJECT) is VideoFill.UNCHANGED
    assert catalog.calls == 0 and store.audit == []


async def test_a_deleted_project_is_left_alone() -> None:
    store, catalog = store_with(pending()), DownCatalog()
    store.deleted_projects.add(PROJECT)
    assert await fill(store, catalog).execute(PROJECT) is VideoFill.UNCHANGED
    assert catalog.calls == 0


class VideoChangedMeanwhile(FakeVideoCatalog):
    """While the provider answers, the sweep (or anything else) fills the project's video first."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    async def video(self, video_id: str) -> VideoMetadata:
        project = self.store.projects[PROJECT]
        filled = msgspec.structs.replace(pending(video_id), status="ready", title="by the sweep", duration_ms=5)
        self.store.projects[PROJECT] = msgspec.structs.replace(project, video=filled, version=2)
        return await super().video(video_id)


async def test_a_video_changed_during_the_lookup_is_not_overwritten() -> None:
    store = store_with(pending())
    assert await fill(store, VideoChangedMeanwhile(store)).execute(PROJECT) is VideoFill.UNCHANGED
    video = store.projects[PROJECT].video
    assert video is not None and video.title == "by the sweep"
    assert store.audit == []


async def test_with_the_provider_not_configured_the_video_stays_pending_for_the_sweep() -> None:
    store = store_with(pending())
    assert await fill(store, None).execute(PROJECT) is VideoFill.DISABLED
    assert store.projects[PROJECT].video == pending()
