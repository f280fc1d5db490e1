"""One contract for the cue and track repositories, run against the in-memory fake and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from psycopg import AsyncConnection

from adapters.postgres.repositories.cues import PostgresCueRepository
from adapters.postgres.repositories.projects import PostgresProjectRepository
from adapters.postgres.repositories.renders import PostgresRenderTracks
from adapters.postgres.repositories.tracks import PostgresTrackRepository
from application.pagination import PageRequest
from application.ports.tracks import CueKey
from domain.projects import Project
from domain.subtitles import Cue, Track, TrackSource
from domain.sync import CueVersion
from tests.fakes.subtitles import FakeCues, FakeProjects, FakeTracks, Store

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


@dataclass
class Repos:
    projects: Any
    tracks: Any
    cues: Any
    owner: UUID


@pytest.fixture(params=["fake", "postgres"])
async def repos(request: pytest.FixtureRequest) -> AsyncIterator[Repos]:
    if request.param == "fake":
        store = Store()
        yield Repos(FakeProjects(store), FakeTracks(store), FakeCues(store), uuid4())
        return
    database_url: str = request.getfixturevalue("clean_database")
    owner = uuid4()
    async with await AsyncConnection.connect(database_url) as conn:
        await conn.execute(
            "INSERT INTO users (id, email, display_name, password_hash, role, created_at, updated_at) "
            "VALUES (%s, %s, 'Owner', 'x', 'member', now(), now())",
            (owner, f"{owner}@example.com"),
        )
        yield Repos(PostgresProjectRepository(conn), PostgresTrackRepository(conn), PostgresCueRepository(conn), owner)


async def a_track(r: Repos) -> UUID:
    project = Project(id=uuid4(), title="p", owner_id=r.owner, created_at=NOW, updated_at=NOW)
    await r.projects.add(project)
    track = Track(
        id=uuid4(),
        project_id=project.id,
        language="en",
        label="",
        source=TrackSource(kind="manual"),
        created_at=NOW,
        updated_at=NOW,
    )
    await r.tracks.add(track)
    return track.id


def version(start: int, text: str, *, cue_id: UUID | None = None, deleted: bool = False) -> CueVersion:
    cue = Cue(id=cue_id or uuid4(), start_ms=start, end_ms=start + 10, text=text, updated_at=NOW)
    return CueVersion(cue=cue, deleted=deleted)


async def write(r: Repos, track_id: UUID, versions: list[CueVersion]) -> None:
    first = await r.tracks.reserve_changes(track_id, len(versions))
    await r.cues.write_many(track_id, [(v, first + i) for i, v in enumerate(versions)], at=NOW)


async def test_pages_follow_start_then_id_and_skip_tombstones(repos: Repos) -> None:
    track = await a_track(repos)
    versions = [version(s, f"t{s}") for s in (30, 10, 20, 10, 10)] + [version(5, "gone", deleted=True)]
    await write(repos, track, versions)
    first = await repos.cues.page(track, PageRequest(limit=3))
    assert first.next_after == CueKey(start_ms=first.items[-1].cue.start_ms, id=first.items[-1].cue.id)
    rest = await repos.cues.page(track, PageRequest(limit=10, after=first.next_after))
    assert rest.next_after is None
    keys = [(c.cue.start_ms, c.cue.id) for c in first.items + rest.items]
    assert len(keys) == 5
    assert keys == sorted(keys)


async def test_changes_come_in_write_order_with_tombstones(repos: Repos) -> None:
    track = await a_track(repos)
    a, b = version(0, "a"), version(10, "b")
    await write(repos, track, [a, b])
    assert await repos.tracks.lock(track) == 2
    await write(repos, track, [version(0, "a2", cue_id=a.cue.id), version(10, "b", cue_id=b.cue.id, deleted=True)])
    changes = await repos.cues.changes(track, after_seq=2, limit=10)
    assert [(c.seq, c.cue.text, c.deleted) for c in changes] == [(3, "a2", False), (4, "b", True)]
    assert await repos.cues.changes(track, after_seq=4, limit=10) == []
    found = await repos.cues.find_many([a.cue.id, b.cue.id, uuid4()])
    assert set(found) == {a.cue.id, b.cue.id}
    assert found[b.cue.id].deleted
    assert await repos.cues.get(track, b.cue.id) is None


async def test_a_cue_never_moves_to_another_track(repos: Repos) -> None:
    first, second = await a_track(repos), await a_track(repos)
    original = version(0, "mine")
    await write(repos, first, [original])
    await write(repos, second, [version(0, "hijack", cue_id=original.cue.id)])
    kept = await repos.cues.get(first, original.cue.id)
    assert kept is not None
    assert kept.cue.text == "mine"


async def test_track_lists_carry_counts(repos: Repos) -> None:
    track = await a_track(repos)
    await write(repos, track, [version(0, "a"), version(100, "b"), version(500, "c", deleted=True)])
    access = await repos.tracks.access(track, repos.owner, with_stats=True)
    assert access is not None
    assert (access.track.cue_count, access.track.duration_ms) == (2, 110)
    assert access.role is None  # the repositories do not make anyone a member by themselves


async def test_speaker_and_spoken_are_stored_everywhere_a_cue_is_read(repos: Repos) -> None:
    track = await a_track(repos)
    said = Cue(id=uuid4(), start_ms=0, end_ms=10, text="Hi", speaker="Alba", updated_at=NOW)
    music = Cue(id=uuid4(), start_ms=20, end_ms=30, text="[music]", spoken=False, updated_at=NOW)
    await write(repos, track, [CueVersion(cue=said), CueVersion(cue=music)])
    page = await repos.cues.page(track, PageRequest(limit=10))
    assert [(c.cue.speaker, c.cue.spoken) for c in page.items] == [("Alba", True), (None, False)]
    got = await repos.cues.get(track, said.id)
    assert got is not None
    assert got.cue == said
    assert [c.cue for c in await repos.cues.changes(track, after_seq=0, limit=10)] == [said, music]
    renamed = said.edited(updated_at=NOW, speaker=None, spoken=False)
    await write(repos, track, [CueVersion(cue=renamed)])
    assert (await repos.cues.find_many([said.id]))[said.id].cue == renamed


async def test_render_snapshots_leave_out_cues_that_are_not_spoken(clean_database: str) -> None:
    async with await AsyncConnection.connect(clean_database) as conn:
        owner = uuid4()
        await conn.execute(
            "INSERT INTO users (id, email, display_name, password_hash, role, created_at, updated_at) "
            "VALUES (%s, %s, 'Owner', 'x', 'member', now(), now())",
            (owner, f"{owner}@example.com"),
        )
        r = Repos(PostgresProjectRepository(conn), PostgresTrackRepository(conn), PostgresCueRepository(conn), owner)
        track = await a_track(r)
        said = Cue(id=uuid4(), start_ms=0, end_ms=10, text="Hi", speaker="Alba", updated_at=NOW)
        music = Cue(id=uuid4(), start_ms=20, end_ms=30, text="♪ la la ♪", spoken=False, updated_at=NOW)
        await write(r, track, [CueVersion(cue=said), CueVersion(cue=music)])
        snapshot = await PostgresRenderTracks(conn).snapshot(track)
    assert [(c.id, c.text, c.speaker) for c in snapshot] == [(str(said.id), "Hi", "Alba")]
