"""Importing a provider's subtitle file as a track, with in-memory fakes."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from adapters.subtitles.codec import IsolatedSubtitleCodec
from application.actor import Actor, GlobalRole
from application.errors import Forbidden, InvalidInput, NotFound, ProviderDisabled, ProviderQuotaExhausted
from application.ports.catalog import DownloadedSubtitleFile
from application.use_cases.catalogue.import_track import ImportSubtitleTrack, ImportTrackCommand
from domain.projects import Member, Project, ProjectRole
from tests.fakes.catalogs import FakeSubtitleCatalog
from tests.fakes.subtitles import FakeSubtitlesUnitOfWork, FixedClock, SequentialIds, Store

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
OWNER = Actor(user_id=UUID(int=1), role=GlobalRole.MEMBER)
VIEWER = Actor(user_id=UUID(int=2), role=GlobalRole.MEMBER)
PROJECT = UUID(int=10)


def world(catalog: FakeSubtitleCatalog | None) -> tuple[ImportSubtitleTrack, FakeSubtitlesUnitOfWork]:
    store = Store()
    store.projects[PROJECT] = Project(id=PROJECT, title="p", owner_id=OWNER.user_id, created_at=NOW, updated_at=NOW)
    for actor, role in ((OWNER, ProjectRole.OWNER), (VIEWER, ProjectRole.VIEWER)):
        store.members[(PROJECT, actor.user_id)] = Member(project_id=PROJECT, user_id=actor.user_id, role=role)
    uow = FakeSubtitlesUnitOfWork(store)
    return ImportSubtitleTrack(uow, FixedClock(NOW), SequentialIds(), IsolatedSubtitleCodec(), catalog), uow


async def test_an_imported_file_becomes_an_audited_track_with_its_cues() -> None:
    use_case, uow = world(FakeSubtitleCatalog())
    created = await use_case.execute(OWNER, ImportTrackCommand(project_id=PROJECT, file_id=1001, language="en"))
    assert created.track.cue_count == 2
    assert created.track.source.kind == "import"
    assert created.track.source.format == "srt"
    assert created.track.label == "sample.srt"
    assert uow.store.audit[-1]["action"] == "track.created"
    assert uow.store.audit[-1]["changes"]["source"] == "import"


async def test_an_exhausted_quota_fails_with_the_reset_time_and_writes_nothing() -> None:
    catalog = FakeSubtitleCatalog(downloads_remaining=0)
    use_case, uow = world(catalog)
    with pytest.raises(ProviderQuotaExhausted) as caught:
        await use_case.execute(OWNER, ImportTrackCommand(project_id=PROJECT, file_id=1001, language="en"))
    assert "2030-01-01T23:59:59Z" in caught.value.detail
    assert uow.store.tracks == {}


async def test_a_file_that_is_not_subtitles_is_422_and_writes_nothing() -> None:
    catalog = FakeSubtitleCatalog()
    catalog.files[7] = DownloadedSubtitleFile(
        file_id=7, file_name="x.srt", content=b"\x00\x01 this is not a subtitle file"
    )
    use_case, uow = world(catalog)
    with pytest.raises(InvalidInput):
        await use_case.execute(OWNER, ImportTrackCommand(project_id=PROJECT, file_id=7, language="en"))
    assert uow.store.tracks == {}


async def test_who_and_what_may_not_import() -> None:
    use_case, _ = world(FakeSubtitleCatalog())
    with pytest.raises(Forbidden):
        await use_case.execute(VIEWER, ImportTrackCommand(project_id=PROJECT, file_id=1001, language="en"))
    with pytest.raises(NotFound):
        await use_case.execute(OWNER, ImportTrackCommand(project_id=PROJECT, file_id=999, language="en"))
    with pytest.raises(InvalidInput):
        await use_case.execute(OWNER, ImportTrackCommand(project_id=PROJECT, file_id=0, language="en"))
    disabled, _ = world(None)
    with pytest.raises(ProviderDisabled):
        await disabled.execute(OWNER, ImportTrackCommand(project_id=PROJECT, file_id=1001, language="en"))


def command(job_id: int | None) -> ImportTrackCommand:
    return ImportTrackCommand(project_id=PROJECT, file_id=1001, language="en", job_id=job_id)


def created_audits(uow: FakeSubtitlesUnitOfWork) -> list[dict[str, object]]:
    return [entry for entry in uow.store.audit if entry["action"] == "track.created"]


async def test_a_job_run_again_returns_its_track_without_downloading_or_writing_again() -> None:
    # covers: S-JOB-2
    catalog = FakeSubtitleCatalog()
    use_case, uow = world(catalog)
    first = await use_case.execute(OWNER, command(job_id=41))
    again = await use_case.execute(OWNER, command(job_id=41))
    assert again.already_imported and not first.already_imported
    assert again.track.id == first.track.id and again.track.cue_count == first.track.cue_count == 2
    assert list(uow.store.tracks) == [first.track.id]
    assert len(uow.store.cues) == 2
    assert len(created_audits(uow)) == 1
    assert catalog.downloads_remaining == 18  # one download for both runs
    other_job = await use_case.execute(OWNER, command(job_id=42))
    assert other_job.track.id != first.track.id and not other_job.already_imported


class CatalogOvertakenByAnotherRun(FakeSubtitleCatalog):
    """While the first run downloads, a second run of the same job writes its track (a stalled job taken over)."""

    def __init__(self) -> None:
        super().__init__()
        self.other_run: ImportSubtitleTrack | None = None

    async def download(self, file_id: int) -> DownloadedSubtitleFile:
        other, self.other_run = self.other_run, None
        if other is not None:
            await other.execute(OWNER, command(job_id=41))
        return await super().download(file_id)


async def test_two_runs_of_a_job_racing_past_the_check_write_one_track() -> None:
    # covers: S-JOB-2
    catalog = CatalogOvertakenByAnotherRun()
    use_case, uow = world(catalog)
    catalog.other_run = ImportSubtitleTrack(uow, FixedClock(NOW), SequentialIds(), IsolatedSubtitleCodec(), catalog)
    late = await use_case.execute(OWNER, command(job_id=41))
    assert late.already_imported
    assert list(uow.store.tracks) == [late.track.id]
    assert {c.track_id for c in uow.store.cues.values()} == {late.track.id}
    assert len(created_audits(uow)) == 1
