"""Shared pieces of the subtitles use cases: limits, version checks, loading with authorization."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from application.actor import Actor
from application.authorization import authorize
from application.errors import NotFound, PreconditionFailed
from application.ports.projects import ProjectAccess
from application.ports.subtitles_uow import SubtitlesUnitOfWork
from application.ports.tracks import StoredCue, TrackAccess
from domain.projects import ProjectAction

MAX_SYNC_CHANGES = 5000
MAX_CUES_PER_REQUEST = 5000
EXPORT_BATCH = 5000
# How far in the future an offline client's clock may run before its timestamps are refused.
MAX_CLOCK_SKEW = timedelta(minutes=5)
ONE_TICK = timedelta(microseconds=1)


def check_version(expected: int | None, actual: int, entity: str) -> None:
    """If-Match: a stale version answers 412 (S-API-7). None means the client sent no precondition."""
    if expected is not None and expected != actual:
        raise PreconditionFailed(
            f"the {entity} changed since you read it (version {actual}, you sent {expected})", code="version_mismatch"
        )


def next_write_time(now: datetime, previous: datetime) -> datetime:
    """A server edit must rank after the version it replaces, even if a client clock ran ahead."""
    return now if now > previous else previous + ONE_TICK


async def project_for(
    uow: SubtitlesUnitOfWork, actor: Actor, project_id: UUID, action: ProjectAction, *, for_update: bool = False
) -> ProjectAccess:
    access = await uow.projects.access(project_id, actor.user_id, for_update=for_update)
    if access is None:
        raise NotFound("project", project_id)
    authorize(actor, action, entity="project", entity_id=project_id, project_role=access.role)
    return access


async def track_for(
    uow: SubtitlesUnitOfWork, actor: Actor, track_id: UUID, action: ProjectAction, *, with_stats: bool = False
) -> TrackAccess:
    access = await uow.tracks.access(track_id, actor.user_id, with_stats=with_stats)
    if access is None:
        raise NotFound("track", track_id)
    authorize(actor, action, entity="track", entity_id=track_id, project_role=access.role)
    return access


async def cue_for(uow: SubtitlesUnitOfWork, track_id: UUID, cue_id: UUID, *, lock: bool = True) -> StoredCue:
    stored = await uow.cues.get(track_id, cue_id, for_update=lock)
    if stored is None:
        raise NotFound("cue", cue_id)
    return stored


async def end_read(uow: SubtitlesUnitOfWork) -> None:
    """Ends a read-only transaction with COMMIT: a ROLLBACK makes psycopg drop the connection's prepared
    statements, so the hot queries would be parsed and planned again on every request."""
    await uow.commit()


def audit_changes(project_id: UUID, **fields: object) -> dict[str, object]:
    return {"project_id": str(project_id), **{k: v for k, v in fields.items() if v is not None}}
