"""Requesting a track import: checked up front, queued with its audit entry, nothing queued on refusal."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from application.actor import Actor, GlobalRole
from application.errors import Forbidden, InvalidInput, NotFound, ProviderDisabled
from application.use_cases.catalogue.import_track import ImportTrackCommand
from application.use_cases.catalogue.request_track_import import RequestTrackImport
from domain.projects import Member, Project, ProjectRole
from tests.fakes.catalogs import FakeSubtitleCatalog
from tests.fakes.renders import InMemoryJobQueue, RendersState
from tests.fakes.subtitles import FakeSubtitlesUnitOfWork, Store

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
OWNER = Actor(user_id=UUID(int=1), role=GlobalRole.MEMBER, trace_id="trace-1")
EDITOR = Actor(user_id=UUID(int=2), role=GlobalRole.MEMBER)
VIEWER = Actor(user_id=UUID(int=3), role=GlobalRole.MEMBER)
OUTSIDER = Actor(user_id=UUID(int=4), role=GlobalRole.MEMBER)
PROJECT = UUID(int=10)


class FakeImportsUnitOfWork(FakeSubtitlesUnitOfWork):
    def __init__(self, store: Store, jobs: RendersState) -> None:
        super().__init__(store)
        self.jobs = InMemoryJobQueue(jobs)


def world(catalog: FakeSubtitleCatalog | None) -> tuple[RequestTrackImport, Store, RendersState]:
    store, jobs = Store(), RendersState()
    store.projects[PROJECT] = Project(id=PROJECT, title="p", owner_id=OWNER.user_id, created_at=NOW, updated_at=NOW)
    for actor, role in ((OWNER, ProjectRole.OWNER), (EDITOR, ProjectRole.EDITOR), (VIEWER, ProjectRole.VIEWER)):
        store.members[(PROJECT, actor.user_id)] = Member(project_id=PROJECT, user_id=actor.user_id, role=role)
    return RequestTrackImport(FakeImportsUnitOfWork(store, jobs), catalog), store, jobs


def command(**overrides: object) -> ImportTrackCommand:
    fields: dict[str, object] = {"project_id": PROJECT, "file_id": 1001, "language": "en", **overrides}
    return ImportTrackCommand(**fields)  # type: ignore[arg-type]


async def test_an_import_is_queued_as_the_caller_with_its_trace_id_and_audited() -> None:
    use_case, store, jobs = world(FakeSubtitleCatalog())
    queued = await use_case.execute(OWNER, command(language=" pt-BR "))
    assert (queued.provider, queued.file_id, queued.language) == ("opensubtitles", 1001, "pt-BR")
    assert jobs.jobs[queued.job_id].task == "subdub:import_track"
    assert jobs.jobs[queued.job_id].trace_id == "trace-1"
    assert jobs.job_args[queued.job_id] == {
        "project_id": str(PROJECT),
        "user_id": str(OWNER.user_id),
        "provider": "opensubtitles",
        "file_id": 1001,
        "language": "pt-BR",
        "trace_id": "trace-1",
    }
    assert store.audit[-1]["action"] == "track_import.requested"
    assert store.audit[-1]["changes"]["job_id"] == queued.job_id
    assert (await use_case.execute(EDITOR, command())).job_id != queued.job_id


@pytest.mark.parametrize(
    ("actor", "catalog", "cmd", "error", "code"),
    [
        (OUTSIDER, FakeSubtitleCatalog(), command(), NotFound, "not_found"),
        (VIEWER, FakeSubtitleCatalog(), command(), Forbidden, None),
        (OUTSIDER, FakeSubtitleCatalog(), command(project_id=UUID(int=99)), NotFound, "not_found"),
        (OWNER, None, command(), ProviderDisabled, "provider_disabled"),
        (OWNER, FakeSubtitleCatalog(), command(provider="podnapisi"), InvalidInput, "unknown_provider"),
        (OWNER, FakeSubtitleCatalog(), command(file_id=0), InvalidInput, "invalid_track_import"),
        (OWNER, FakeSubtitleCatalog(), command(language="e n"), InvalidInput, "invalid_track_import"),
    ],
)
async def test_refused_requests_queue_nothing_and_audit_nothing(
    actor: Actor,
    catalog: FakeSubtitleCatalog | None,
    cmd: ImportTrackCommand,
    error: type[Exception],
    code: str | None,
) -> None:
    use_case, store, jobs = world(catalog)
    with pytest.raises(error) as caught:
        await use_case.execute(actor, cmd)
    if code is not None:
        assert getattr(caught.value, "code", None) == code
    assert jobs.jobs == {}
    assert store.audit == []


async def test_bad_file_id_and_language_are_reported_together() -> None:
    use_case, _, _ = world(FakeSubtitleCatalog())
    with pytest.raises(InvalidInput) as caught:
        await use_case.execute(OWNER, command(file_id=-3, language="x"))
    assert [e.field for e in caught.value.errors] == ["file_id", "language"]
