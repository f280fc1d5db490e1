"""Track and cue use cases with in-memory repositories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from application.actor import Actor, GlobalRole
from application.errors import Conflict, Forbidden, InvalidInput, NotFound, PreconditionFailed
from application.use_cases.subtitles.cues import CreateCue, CreateCueCommand, UpdateCue, UpdateCueCommand
from application.use_cases.subtitles.tracks import CreateTrack, CreateTrackCommand, NewCue
from domain.projects import Member, Project, ProjectRole
from tests.fakes.subtitles import FakeSubtitlesUnitOfWork, FixedClock, SequentialIds, Store

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
OWNER = Actor(user_id=UUID(int=1), role=GlobalRole.MEMBER)
VIEWER = Actor(user_id=UUID(int=2), role=GlobalRole.MEMBER)
ADMIN = Actor(user_id=UUID(int=3), role=GlobalRole.ADMIN)
PROJECT = UUID(int=10)


def world() -> tuple[FakeSubtitlesUnitOfWork, FixedClock]:
    store = Store()
    store.projects[PROJECT] = Project(id=PROJECT, title="p", owner_id=OWNER.user_id, created_at=NOW, updated_at=NOW)
    for actor, role in ((OWNER, ProjectRole.OWNER), (VIEWER, ProjectRole.VIEWER)):
        store.members[(PROJECT, actor.user_id)] = Member(project_id=PROJECT, user_id=actor.user_id, role=role)
    return FakeSubtitlesUnitOfWork(store), FixedClock(NOW)


async def test_create_track_validates_every_cue_and_writes_nothing_on_error() -> None:
    uow, clock = world()
    create = CreateTrack(uow, clock, SequentialIds())
    bad = [NewCue(start_ms=0, end_ms=10, text="ok"), NewCue(start_ms=10, end_ms=10, text="x")]
    with pytest.raises(InvalidInput) as caught:
        await create.execute(OWNER, CreateTrackCommand(project_id=PROJECT, language="en", cues=bad))
    assert [e.field for e in caught.value.errors] == ["cues[1].end_ms"]
    assert uow.store.tracks == {}
    assert uow.store.audit == []


async def test_create_track_is_audited_with_the_project() -> None:
    uow, clock = world()
    created = await CreateTrack(uow, clock, SequentialIds()).execute(
        OWNER, CreateTrackCommand(project_id=PROJECT, language="pt-BR", cues=[NewCue(start_ms=0, end_ms=9, text="oi")])
    )
    assert created.track.cue_count == 1
    assert uow.store.audit[-1]["action"] == "track.created"
    assert uow.store.audit[-1]["changes"]["project_id"] == str(PROJECT)


@pytest.mark.parametrize(("actor", "error"), [(VIEWER, Forbidden), (ADMIN, NotFound)])
async def test_who_may_not_create(actor: Actor, error: type[Exception]) -> None:
    uow, clock = world()
    with pytest.raises(error):
        await CreateTrack(uow, clock, SequentialIds()).execute(
            actor, CreateTrackCommand(project_id=PROJECT, language="en")
        )


async def test_cue_versions_and_clock_skew() -> None:
    uow, clock = world()
    track = (
        await CreateTrack(uow, clock, SequentialIds()).execute(
            OWNER, CreateTrackCommand(project_id=PROJECT, language="en")
        )
    ).track
    cue_id = uuid4()
    created = await CreateCue(uow, clock, SequentialIds()).execute(
        OWNER, CreateCueCommand(track_id=track.id, id=cue_id, start_ms=0, end_ms=10, text="a")
    )
    with pytest.raises(Conflict):
        await CreateCue(uow, clock, SequentialIds()).execute(
            OWNER, CreateCueCommand(track_id=track.id, id=cue_id, start_ms=0, end_ms=10, text="again")
        )
    update = UpdateCue(uow, clock)
    with pytest.raises(PreconditionFailed):
        await update.execute(
            OWNER, UpdateCueCommand(track_id=track.id, cue_id=cue_id, text="b", expected_version=created.seq + 1)
        )
    # A client clock ran ahead: the server's later edit must still rank after the stored version.
    future = NOW + timedelta(minutes=3)
    stored = uow.store.cues[cue_id]
    uow.store.cues[cue_id] = type(stored)(
        track_id=stored.track_id, cue=stored.cue.edited(updated_at=future), seq=stored.seq
    )
    edited = await update.execute(
        OWNER, UpdateCueCommand(track_id=track.id, cue_id=cue_id, text="b", expected_version=created.seq)
    )
    assert edited.cue.text == "b"
    assert edited.cue.updated_at > future
    assert edited.seq > created.seq
