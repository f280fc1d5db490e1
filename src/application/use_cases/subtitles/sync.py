"""Offline sync (S-SYNC): push a batch of cue changes, pull every change since a cursor.

Pushes are validated as a whole before anything is written (one bad change → 422 naming each bad
one; a big push is validated off the event loop), then settled change by change with the
last-write-wins rule of `domain.sync`, and written in one statement inside one transaction. Change
numbers come from a per-track counter bumped under the track's row lock, so they become visible in
order and a pull never skips a late commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import msgspec

from application.actor import Actor
from application.errors import FieldError, InvalidInput, PayloadTooLarge
from application.off_loop import off_loop, small
from application.ports.clock import Clock
from application.ports.subtitles_uow import SubtitlesUnitOfWork
from application.ports.tracks import StoredCue
from application.use_cases.subtitles.common import MAX_CLOCK_SKEW, MAX_SYNC_CHANGES, audit_changes, end_read, track_for
from domain.errors import InvariantViolated
from domain.projects import ProjectAction
from domain.sync import CueChange, CueVersion, Outcome, incoming_version, resolve

MAX_CHANGES_PAGE = 5000


class Rejection(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    reason: str
    server: StoredCue | None  # None when the server's winning version is a deletion


class SyncResult(msgspec.Struct, frozen=True, kw_only=True):
    applied: list[UUID]
    rejected: list[Rejection]
    cursor: int


class PushChanges:
    def __init__(self, uow: SubtitlesUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(
        self, actor: Actor, track_id: UUID, changes: Sequence[CueChange], *, since: int | None = None
    ) -> SyncResult:
        """`since` is the cursor of the client's last pull; the answer's cursor is where to pull next."""
        if len(changes) > MAX_SYNC_CHANGES:
            raise PayloadTooLarge(f"at most {MAX_SYNC_CHANGES} changes per push", code="too_many_changes")
        now = self._clock.now()
        async with self._uow as uow:
            track = (await track_for(uow, actor, track_id, ProjectAction.EDIT)).track
            head = await uow.tracks.lock(track_id)
            existing = await uow.cues.find_many([c.id for c in changes])
            settled = await off_loop(small(len(changes)), settle, track_id, changes, existing, now)
            new_head = head
            if settled.writes:
                first = await uow.tracks.reserve_changes(track_id, len(settled.writes))
                await uow.cues.write_many(track_id, [(v, first + i) for i, v in enumerate(settled.writes)], at=now)
                new_head = first + len(settled.writes) - 1
            summary = audit_changes(
                track.project_id,
                track_id=str(track_id),
                applied=len(settled.applied),
                written=len(settled.writes),
                rejected=len(settled.rejected),
            )
            await uow.audit.record(actor, "cues.synced", "track", track_id, summary, trace_id=actor.trace_id)
            await uow.commit()
        # Up to date only if nobody else wrote between the client's last pull and this push.
        cursor = new_head if since == head else (since or 0)
        return SyncResult(applied=settled.applied, rejected=settled.rejected, cursor=cursor)


class Settlement(msgspec.Struct, frozen=True, kw_only=True):
    applied: list[UUID]
    rejected: list[Rejection]
    writes: list[CueVersion]


def settle(track_id: UUID, changes: Sequence[CueChange], existing: dict[UUID, StoredCue], now: datetime) -> Settlement:
    """Every change against the server's version (pure: runs off the event loop for big pushes);
    raises one InvalidInput naming every bad change before anything is settled."""
    applied: list[UUID] = []
    rejected: list[Rejection] = []
    writes: list[CueVersion] = []
    for change, server, incoming in _validated(track_id, changes, existing, now):
        result = resolve(server, incoming)
        if result.outcome is Outcome.STALE:
            stored = existing[change.id]
            rejected.append(Rejection(id=change.id, reason="stale", server=None if stored.deleted else stored))
            continue
        if result.outcome is Outcome.APPLIED and result.version is not None:
            writes.append(result.version)
        applied.append(change.id)
    return Settlement(applied=applied, rejected=rejected, writes=writes)


def _validated(
    track_id: UUID, changes: Sequence[CueChange], existing: dict[UUID, StoredCue], now: datetime
) -> list[tuple[CueChange, CueVersion | None, CueVersion | None]]:
    """Each change on top of the server's version; one InvalidInput naming every bad change."""
    plans = []
    errors: list[FieldError] = []
    seen: set[UUID] = set()
    for index, change in enumerate(changes):
        problems_before = len(errors)
        if change.id in seen:
            errors.append(FieldError(f"changes[{index}].id", "the same cue appears twice in one push"))
        seen.add(change.id)
        if change.updated_at > now + MAX_CLOCK_SKEW:
            errors.append(FieldError(f"changes[{index}].updated_at", "is in the future (check the device clock)"))
        stored = existing.get(change.id)
        if stored is not None and stored.track_id != track_id:
            errors.append(FieldError(f"changes[{index}].id", "this id is taken by a cue of another track"))
        if len(errors) > problems_before:
            continue
        server = None if stored is None else stored.version
        try:
            plans.append((change, server, incoming_version(server, change)))
        except InvariantViolated as exc:
            errors.append(FieldError(f"changes[{index}].{exc.field or 'id'}", exc.message))
    if errors:
        raise InvalidInput(f"{len(errors)} change(s) are invalid", errors, code="invalid_changes")
    return plans


class ChangesPage(msgspec.Struct, frozen=True, kw_only=True):
    changes: list[StoredCue]
    cursor: int
    has_more: bool


class PullChanges:
    def __init__(self, uow: SubtitlesUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, track_id: UUID, *, since: int, limit: int) -> ChangesPage:
        async with self._uow as uow:
            await track_for(uow, actor, track_id, ProjectAction.READ)
            rows = await uow.cues.changes(track_id, after_seq=since, limit=limit + 1)
            await end_read(uow)
        page = rows[:limit]
        return ChangesPage(changes=page, cursor=page[-1].seq if page else since, has_more=len(rows) > limit)
