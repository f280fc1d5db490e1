"""Concurrent pushes to one track: serialised by the track's row lock, every change number used once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from application.actor import Actor, GlobalRole
from application.use_cases.subtitles.projects import CreateProjectCommand
from application.use_cases.subtitles.tracks import CreateTrackCommand
from domain.sync import CueChange
from entrypoints.wiring import build_container
from tests.support import app as app_support

T0 = datetime(2026, 11, 21, 8, tzinfo=UTC)


# covers: S-DB-6, S-SYNC-3
async def test_concurrent_pushes_to_one_track(clean_database: str, tmp_path: Path) -> None:
    user_id = uuid.uuid4()
    with psycopg.connect(clean_database, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO users (id, email, display_name, password_hash, role, created_at, updated_at) "
            "VALUES (%s, %s, 'Writer', 'x', 'member', now(), now())",
            (user_id, f"{user_id}@example.com"),
        )
    container = build_container(app_support.test_settings(tmp_path), clean_database)
    pool = container.core.pool()
    await pool.open(wait=True)
    try:
        actor = Actor(user_id=user_id, role=GlobalRole.MEMBER)
        project = await container.subtitles.create_project().execute(actor, CreateProjectCommand(title="p"))
        track = (
            await container.subtitles.create_track().execute(
                actor, CreateTrackCommand(project_id=project.project.id, language="en")
            )
        ).track
        ids = [uuid.uuid4() for _ in range(50)]

        def batch(writer: int) -> list[CueChange]:
            at = T0 + timedelta(seconds=writer)
            return [
                CueChange(id=i, start_ms=k * 10, end_ms=k * 10 + 5, text=f"writer {writer}", updated_at=at)
                for k, i in enumerate(ids)
            ]

        results = await asyncio.gather(
            *(container.subtitles.push_changes().execute(actor, track.id, batch(n)) for n in range(6))
        )
        written = sum(len(r.applied) for r in results)
        assert {len(r.applied) + len(r.rejected) for r in results} == {50}
    finally:
        await pool.close()
    with psycopg.connect(clean_database) as conn:
        rows = conn.execute("SELECT text, change_seq FROM cues WHERE track_id = %s", (track.id,)).fetchall()
        head = conn.execute("SELECT change_seq FROM tracks WHERE id = %s", (track.id,)).fetchone()
    assert {text for text, _ in rows} == {"writer 5"}  # the latest updated_at wins whatever the order
    assert len({seq for _, seq in rows}) == 50  # no change number handed out twice
    assert head == (written,)  # one change number per applied change, none lost
