"""PushChanges and PullChanges with in-memory repositories: validation, outcomes, convergence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from application.actor import Actor, GlobalRole
from application.errors import Forbidden, InvalidInput, NotFound, PayloadTooLarge
from application.use_cases.subtitles.sync import PullChanges, PushChanges
from domain.projects import Member, Project, ProjectRole
from domain.subtitles import Track, TrackSource
from domain.sync import CueChange
from tests.fakes.subtitles import FakeSubtitlesUnitOfWork, FixedClock, Store

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
EDITOR = Actor(user_id=UUID(int=1), role=GlobalRole.MEMBER)
VIEWER = Actor(user_id=UUID(int=2), role=GlobalRole.MEMBER)
OUTSIDER = Actor(user_id=UUID(int=3), role=GlobalRole.MEMBER)
TRACK = UUID(int=100)


def world() -> tuple[PushChanges, PullChanges, Store]:
    store = Store()
    project = Project(id=UUID(int=10), title="p", owner_id=EDITOR.user_id, created_at=NOW, updated_at=NOW)
    store.projects[project.id] = project
    store.members[(project.id, EDITOR.user_id)] = Member(
        project_id=project.id, user_id=EDITOR.user_id, role=ProjectRole.EDITOR
    )
    store.members[(project.id, VIEWER.user_id)] = Member(
        project_id=project.id, user_id=VIEWER.user_id, role=ProjectRole.VIEWER
    )
    store.tracks[TRACK] = Track(
        id=TRACK,
        project_id=project.id,
        language="en",
        label="",
        source=TrackSource(kind="manual"),
        created_at=NOW,
        updated_at=NOW,
    )
    store.track_seq[TRACK] = 0
    uow = FakeSubtitlesUnitOfWork(store)
    return PushChanges(uow, FixedClock(NOW)), PullChanges(uow), store


def new(cue_id: UUID, text: str, at: datetime) -> CueChange:
    return CueChange(id=cue_id, start_ms=0, end_ms=100, text=text, updated_at=at)


async def test_roles_and_limits() -> None:
    push, pull, _ = world()
    change = [new(uuid4(), "x", NOW)]
    with pytest.raises(Forbidden):
        await push.execute(VIEWER, TRACK, change)
    with pytest.raises(NotFound):
        await push.execute(OUTSIDER, TRACK, change)
    with pytest.raises(NotFound):
        await pull.execute(OUTSIDER, TRACK, since=0, limit=10)
    with pytest.raises(PayloadTooLarge):
        await push.execute(EDITOR, TRACK, [new(uuid4(), "x", NOW) for _ in range(5001)])


async def test_a_bad_change_refuses_the_whole_batch() -> None:
    push, _pull, store = world()
    with pytest.raises(InvalidInput) as caught:
        await push.execute(
            EDITOR, TRACK, [new(uuid4(), "fine", NOW), CueChange(id=uuid4(), text="no timing", updated_at=NOW)]
        )
    assert [e.field for e in caught.value.errors] == ["changes[1].id"]
    assert store.cues == {}
    assert store.audit == []


async def test_cursor_is_the_new_head_only_when_the_client_was_up_to_date() -> None:
    push, pull, _ = world()
    first = await push.execute(EDITOR, TRACK, [new(uuid4(), "a", NOW)], since=0)
    assert first.cursor == 1
    behind = await push.execute(EDITOR, TRACK, [new(uuid4(), "b", NOW)], since=0)
    assert behind.cursor == 0  # someone wrote since this client's pull: pull from where it was
    page = await pull.execute(EDITOR, TRACK, since=behind.cursor, limit=10)
    assert [c.cue.text for c in page.changes] == ["a", "b"]
    assert page.cursor == 2


# Offline sessions: each client edits, creates or deletes among a few shared cues at a few instants.
_ids = [UUID(int=1000 + i) for i in range(4)]
_edit = st.builds(
    lambda i, text, second, deleted, start: {
        "id": _ids[i],
        "text": text,
        "at": NOW - timedelta(seconds=10 - second),
        "deleted": deleted,
        "start": start,
    },
    st.integers(0, 3),
    st.sampled_from(["x", "y", "z"]),
    st.integers(0, 3),
    st.booleans(),
    st.integers(0, 50),
)
_session = st.lists(_edit, max_size=4, unique_by=lambda e: e["id"])


Replica = dict[UUID, tuple[int, int, str, bool]]  # id -> (start, end, text, deleted), tombstones kept


def take(replica: Replica, cues: list[Any]) -> None:
    for c in cues:
        replica[c.cue.id] = (c.cue.start_ms, c.cue.end_ms, c.cue.text, c.deleted)


def edit_locally(replica: Replica, edit: dict[str, Any]) -> CueChange:
    """What a well-behaved client does offline: change its replica and queue the change."""
    cue_id, at = edit["id"], edit["at"]
    if edit["deleted"]:
        if cue_id in replica:
            replica[cue_id] = (*replica[cue_id][:3], True)
        return CueChange(id=cue_id, deleted=True, updated_at=at)
    if cue_id in replica:
        start, end, _, _ = replica[cue_id]
        replica[cue_id] = (start, end, edit["text"], False)
        return CueChange(id=cue_id, text=edit["text"], updated_at=at)
    replica[cue_id] = (edit["start"], edit["start"] + 10, edit["text"], False)
    return CueChange(id=cue_id, start_ms=edit["start"], end_ms=edit["start"] + 10, text=edit["text"], updated_at=at)


def live(replica: Replica) -> dict[UUID, tuple[int, int, str]]:
    return {i: v[:3] for i, v in replica.items() if not v[3]}


# covers: S-SYNC-3, S-SYNC-4
@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    seeded=st.lists(st.booleans(), min_size=4, max_size=4), sessions=st.tuples(_session, _session), order=st.booleans()
)
async def test_two_offline_clients_always_converge(seeded: list[bool], sessions: tuple[Any, Any], order: bool) -> None:
    push, pull, _ = world()
    base = [new(cue_id, "seed", NOW - timedelta(seconds=20)) for cue_id, keep in zip(_ids, seeded, strict=True) if keep]
    await push.execute(EDITOR, TRACK, base, since=0)
    start = await pull.execute(EDITOR, TRACK, since=0, limit=100)
    replicas: list[Replica] = [{}, {}]
    for replica in replicas:
        take(replica, start.changes)
    cursors = [start.cursor, start.cursor]
    outbox = [[edit_locally(replicas[n], e) for e in sessions[n]] for n in (0, 1)]
    for _ in range(2):  # both reconnect: push, pull, and push again
        for n in (0, 1) if order else (1, 0):
            result = await push.execute(EDITOR, TRACK, outbox[n], since=cursors[n])
            for rejection in result.rejected:
                if rejection.server is None:
                    replicas[n][rejection.id] = (*replicas[n][rejection.id][:3], True)
                else:
                    take(replicas[n], [rejection.server])
            page = await pull.execute(EDITOR, TRACK, since=result.cursor, limit=100)
            take(replicas[n], page.changes)
            cursors[n] = page.cursor
    final = await pull.execute(EDITOR, TRACK, since=0, limit=100)
    server: Replica = {}
    take(server, final.changes)
    assert live(replicas[0]) == live(replicas[1]) == live(server)
