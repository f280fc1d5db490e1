from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from application.errors import ProviderUnavailable
from application.use_cases.catalogue.refresh_pending_videos import RefreshPendingVideos
from domain.projects import Project, VideoRef
from tests.fakes.catalogs import FakeVideoCatalog
from tests.fakes.subtitles import FakeSubtitlesUnitOfWork, FixedClock, Store

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


def store_with(*video_ids: str) -> Store:
    store = Store()
    for n, video_id in enumerate(video_ids, start=1):
        store.projects[UUID(int=n)] = Project(
            id=UUID(int=n),
            title=f"p{n}",
            owner_id=UUID(int=99),
            created_at=NOW,
            updated_at=NOW,
            video=VideoRef(provider="dailymotion", id=video_id),
        )
    return store


async def test_pending_videos_are_filled_in_or_marked_not_found_and_audited() -> None:
    store = store_with("x7lni3", "x0gone")
    report = await RefreshPendingVideos(FakeSubtitlesUnitOfWork(store), FakeVideoCatalog(), FixedClock(NOW)).execute()
    assert (report.filled, report.not_found, report.still_pending) == (1, 1, 0)
    filled = store.projects[UUID(int=1)]
    assert filled.video is not None
    assert filled.video.status == "ready"
    assert filled.video.duration_ms == 136_000
    assert filled.version == 2
    assert store.projects[UUID(int=2)].video.status == "not_found"  # type: ignore[union-attr]
    assert [entry["action"] for entry in store.audit] == ["project.video_filled"] * 2


class DownCatalog(FakeVideoCatalog):
    async def video(self, video_id: str):  # type: ignore[no-untyped-def]
        raise ProviderUnavailable("dailymotion")


async def test_a_provider_still_down_leaves_everything_pending() -> None:
    store = store_with("x7lni3", "x8other")
    report = await RefreshPendingVideos(FakeSubtitlesUnitOfWork(store), DownCatalog(), FixedClock(NOW)).execute()
    assert (report.filled, report.still_pending) == (0, 2)
    assert all(p.video.status == "pending" for p in store.projects.values())  # type: ignore[union-attr]
    assert store.audit == []
