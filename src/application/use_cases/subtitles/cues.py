"""Cues over REST: a page in (start_ms, id) order, create, patch and delete with If-Match."""

from __future__ import annotations

from uuid import UUID

import msgspec

from application.actor import Actor
from application.authorization import authorize
from application.errors import Conflict, NotFound
from application.pagination import PageOf, PageRequest
from application.ports.clock import Clock, IdGenerator
from application.ports.subtitles_uow import SubtitlesUnitOfWork
from application.ports.tracks import CueKey, StoredCue
from application.use_cases.subtitles.common import (
    audit_changes,
    check_version,
    cue_for,
    end_read,
    next_write_time,
    track_for,
)
from domain.projects import ProjectAction
from domain.subtitles import Cue
from domain.sync import CueVersion
from domain.voices import VoiceRef


class ListCues:
    def __init__(self, uow: SubtitlesUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, track_id: UUID, page: PageRequest[CueKey]) -> PageOf[StoredCue]:
        async with self._uow as uow:
            found = await uow.cues.page_with_role(track_id, actor.user_id, page)
            await end_read(uow)
        if found is None:
            raise NotFound("track", track_id)
        role, cues = found
        authorize(actor, ProjectAction.READ, entity="track", entity_id=track_id, project_role=role)
        return cues


class GetCue:
    def __init__(self, uow: SubtitlesUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, track_id: UUID, cue_id: UUID) -> StoredCue:
        async with self._uow as uow:
            await track_for(uow, actor, track_id, ProjectAction.READ)
            stored = await cue_for(uow, track_id, cue_id, lock=False)
            await end_read(uow)
        return stored


class CreateCueCommand(msgspec.Struct, frozen=True, kw_only=True):
    track_id: UUID
    start_ms: int
    end_ms: int
    text: str
    id: UUID | None = None
    voice: VoiceRef | None = None
    speaker: str | None = None
    spoken: bool = True


async def _write(uow: SubtitlesUnitOfWork, track_id: UUID, version: CueVersion) -> StoredCue:
    seq = await uow.tracks.reserve_changes(track_id, 1)
    await uow.cues.write_many(track_id, [(version, seq)], at=version.cue.updated_at)
    return StoredCue(track_id=track_id, cue=version.cue, deleted=version.deleted, seq=seq)


class CreateCue:
    def __init__(self, uow: SubtitlesUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, actor: Actor, cmd: CreateCueCommand) -> StoredCue:
        async with self._uow as uow:
            track = (await track_for(uow, actor, cmd.track_id, ProjectAction.EDIT)).track
            cue = Cue.create(
                id=cmd.id or self._ids.new_id(),
                start_ms=cmd.start_ms,
                end_ms=cmd.end_ms,
                text=cmd.text,
                voice=cmd.voice,
                speaker=cmd.speaker,
                spoken=cmd.spoken,
                updated_at=self._clock.now(),
            )
            await uow.tracks.lock(track.id)
            if await uow.cues.find_many([cue.id]):
                raise Conflict(f"a cue with id {cue.id} already exists", code="cue_exists")
            stored = await _write(uow, track.id, CueVersion(cue=cue))
            changes = audit_changes(track.project_id, track_id=str(track.id), start_ms=cue.start_ms, end_ms=cue.end_ms)
            await uow.audit.record(actor, "cue.created", "cue", cue.id, changes, trace_id=actor.trace_id)
            await uow.commit()
        return stored


class UpdateCueCommand(msgspec.Struct, frozen=True, kw_only=True):
    track_id: UUID
    cue_id: UUID
    start_ms: int | None = None
    end_ms: int | None = None
    text: str | None = None
    voice: VoiceRef | msgspec.UnsetType | None = msgspec.UNSET
    speaker: str | msgspec.UnsetType | None = msgspec.UNSET
    spoken: bool | None = None
    expected_version: int | None = None


class UpdateCue:
    def __init__(self, uow: SubtitlesUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(self, actor: Actor, cmd: UpdateCueCommand) -> StoredCue:
        async with self._uow as uow:
            track = (await track_for(uow, actor, cmd.track_id, ProjectAction.EDIT)).track
            await uow.tracks.lock(track.id)  # the track before its cues, always: no lock-order deadlock
            before = await cue_for(uow, track.id, cmd.cue_id)
            check_version(cmd.expected_version, before.seq, "cue")
            after = before.cue.edited(
                updated_at=next_write_time(self._clock.now(), before.cue.updated_at),
                start_ms=cmd.start_ms,
                end_ms=cmd.end_ms,
                text=cmd.text,
                voice=cmd.voice,
                speaker=cmd.speaker,
                spoken=cmd.spoken,
            )
            stored = await _write(uow, track.id, CueVersion(cue=after))
            changes = audit_changes(
                track.project_id,
                track_id=str(track.id),
                start_ms=cmd.start_ms,
                end_ms=cmd.end_ms,
                text=cmd.text,
                speaker=None if isinstance(cmd.speaker, msgspec.UnsetType) else cmd.speaker,
                spoken=cmd.spoken,
            )
            await uow.audit.record(actor, "cue.updated", "cue", after.id, changes, trace_id=actor.trace_id)
            await uow.commit()
        return stored


class DeleteCue:
    def __init__(self, uow: SubtitlesUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(self, actor: Actor, track_id: UUID, cue_id: UUID, *, expected_version: int | None = None) -> None:
        async with self._uow as uow:
            track = (await track_for(uow, actor, track_id, ProjectAction.EDIT)).track
            await uow.tracks.lock(track.id)
            before = await cue_for(uow, track.id, cue_id)
            check_version(expected_version, before.seq, "cue")
            tombstone = before.cue.edited(updated_at=next_write_time(self._clock.now(), before.cue.updated_at))
            await _write(uow, track.id, CueVersion(cue=tombstone, deleted=True))
            changes = audit_changes(track.project_id, track_id=str(track.id))
            await uow.audit.record(actor, "cue.deleted", "cue", cue_id, changes, trace_id=actor.trace_id)
            await uow.commit()
