"""Tracks: create (typed-in cues or an uploaded file), list, read, relabel, soft-delete, export."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import msgspec

from application.actor import Actor
from application.errors import FieldError, InvalidInput, PayloadTooLarge
from application.pagination import PageOf, PageRequest, each_item
from application.ports.clock import Clock, IdGenerator
from application.ports.subtitles import ParsedSubtitles, SubtitleCodec
from application.ports.subtitles_uow import SubtitlesUnitOfWork
from application.use_cases.subtitles.common import (
    EXPORT_BATCH,
    MAX_CUES_PER_REQUEST,
    audit_changes,
    check_version,
    end_read,
    project_for,
    track_for,
)
from domain.errors import InvariantViolated
from domain.projects import ProjectAction
from domain.subtitles import (
    MAX_CUES_PER_TRACK,
    Cue,
    CueContent,
    SubtitleFormat,
    Track,
    TrackSource,
    check_label,
    check_language,
)
from domain.sync import CueVersion


class NewCue(msgspec.Struct, frozen=True, kw_only=True):
    start_ms: int
    end_ms: int
    text: str
    speaker: str | None = None
    spoken: bool = True


class CreateTrackCommand(msgspec.Struct, frozen=True, kw_only=True):
    project_id: UUID
    language: str
    label: str = ""
    cues: Sequence[NewCue] = ()


class UploadTrackCommand(msgspec.Struct, frozen=True, kw_only=True):
    project_id: UUID
    language: str
    data: bytes
    filename: str | None = None
    label: str | None = None
    encoding: str | None = None  # read the file in this encoding instead of detecting one


class CreatedTrack(msgspec.Struct, frozen=True, kw_only=True):
    track: Track
    warnings: list[str]
    parsed: ParsedSubtitles | None = None  # the import report of an uploaded file


def contents_of(cues: Sequence[NewCue]) -> list[CueContent]:
    """Every cue validated; one field error per bad cue, all at once (nothing is half-written)."""
    if len(cues) > MAX_CUES_PER_REQUEST:
        raise PayloadTooLarge(f"at most {MAX_CUES_PER_REQUEST} cues per request", code="too_many_cues")
    contents: list[CueContent] = []
    errors: list[FieldError] = []
    for index, cue in enumerate(cues):
        try:
            contents.append(CueContent.of(cue.start_ms, cue.end_ms, cue.text, speaker=cue.speaker, spoken=cue.spoken))
        except InvariantViolated as exc:
            errors.append(FieldError(f"cues[{index}].{exc.field or 'cue'}", exc.message))
    if errors:
        raise InvalidInput(f"{len(errors)} cue(s) are invalid", errors, code="invalid_cues")
    return contents


class _TrackWriter:
    def __init__(self, uow: SubtitlesUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def _authorize(self, actor: Actor, project_id: UUID) -> None:
        """Outsiders get 404 and viewers 403 before their input is even looked at."""
        async with self._uow as uow:
            await project_for(uow, actor, project_id, ProjectAction.EDIT)
            await end_read(uow)

    async def _create(
        self, actor: Actor, project_id: UUID, language: str, label: str, source: TrackSource, cues: list[CueContent]
    ) -> Track:
        track, versions = self._new_track(project_id, language, label, source, cues)
        async with self._uow as uow:
            await project_for(uow, actor, project_id, ProjectAction.EDIT)
            await uow.tracks.add(track)
            await self._write_cues_and_audit(uow, actor, track, versions)
            await uow.commit()
        return track

    def _new_track(
        self, project_id: UUID, language: str, label: str, source: TrackSource, cues: list[CueContent]
    ) -> tuple[Track, list[CueVersion]]:
        if len(cues) > MAX_CUES_PER_TRACK:  # what one render may voice: uploads and imports stop here too
            raise PayloadTooLarge(
                f"a track holds at most {MAX_CUES_PER_TRACK} cues; this one has {len(cues)}", code="too_many_cues"
            )
        now = self._clock.now()
        language, label = check_language(language), check_label(label)
        versions = [
            CueVersion(
                cue=Cue(
                    id=self._ids.new_id(),
                    start_ms=c.start_ms,
                    end_ms=c.end_ms,
                    text=c.text,
                    speaker=c.speaker,
                    spoken=c.spoken,
                    updated_at=now,
                )
            )
            for c in cues
        ]
        track = Track(
            id=self._ids.new_id(),
            project_id=project_id,
            language=language,
            label=label,
            source=source,
            created_at=now,
            updated_at=now,
            cue_count=len(cues),
            duration_ms=max((c.end_ms for c in cues), default=0),
        )
        return track, versions

    @staticmethod
    async def _write_cues_and_audit(
        uow: SubtitlesUnitOfWork, actor: Actor, track: Track, versions: list[CueVersion]
    ) -> None:
        """The rest of a new track's writes, once its row is added in the same transaction."""
        if versions:
            first = await uow.tracks.reserve_changes(track.id, len(versions))
            await uow.cues.write_many(track.id, [(v, first + i) for i, v in enumerate(versions)], at=track.created_at)
        changes = audit_changes(track.project_id, language=track.language, source=track.source.kind, cues=len(versions))
        await uow.audit.record(actor, "track.created", "track", track.id, changes, trace_id=actor.trace_id)


class CreateTrack(_TrackWriter):
    async def execute(self, actor: Actor, cmd: CreateTrackCommand) -> CreatedTrack:
        await self._authorize(actor, cmd.project_id)
        cues = contents_of(cmd.cues)
        track = await self._create(actor, cmd.project_id, cmd.language, cmd.label, TrackSource(kind="manual"), cues)
        return CreatedTrack(track=track, warnings=[])


class UploadTrack(_TrackWriter):
    def __init__(self, uow: SubtitlesUnitOfWork, clock: Clock, ids: IdGenerator, codec: SubtitleCodec) -> None:
        super().__init__(uow, clock, ids)
        self._codec = codec

    async def execute(self, actor: Actor, cmd: UploadTrackCommand) -> CreatedTrack:
        await self._authorize(actor, cmd.project_id)
        check_language(cmd.language)  # before the work of parsing
        parsed = await self._codec.parse(cmd.data, filename=cmd.filename, language=cmd.language, encoding=cmd.encoding)
        source = TrackSource(kind="upload", format=parsed.format, filename=cmd.filename)
        label = cmd.label if cmd.label is not None else (cmd.filename or "")
        track = await self._create(actor, cmd.project_id, cmd.language, label[:200], source, parsed.cues)
        return CreatedTrack(track=track, warnings=parsed.warnings, parsed=parsed)


class ListTracks:
    def __init__(self, uow: SubtitlesUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, project_id: UUID, page: PageRequest[UUID]) -> PageOf[Track]:
        async with self._uow as uow:
            await project_for(uow, actor, project_id, ProjectAction.READ)
            found = await uow.tracks.list(project_id, page)
            await end_read(uow)
        return found


class GetTrack:
    def __init__(self, uow: SubtitlesUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, track_id: UUID) -> Track:
        async with self._uow as uow:
            track = (await track_for(uow, actor, track_id, ProjectAction.READ, with_stats=True)).track
            await end_read(uow)
        return track


class UpdateTrackCommand(msgspec.Struct, frozen=True, kw_only=True):
    track_id: UUID
    label: str | None = None
    language: str | None = None
    expected_version: int | None = None


class UpdateTrack:
    def __init__(self, uow: SubtitlesUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(self, actor: Actor, cmd: UpdateTrackCommand) -> Track:
        async with self._uow as uow:
            before = (await track_for(uow, actor, cmd.track_id, ProjectAction.EDIT, with_stats=True)).track
            await uow.tracks.lock(before.id)  # against a concurrent edit between the read and the write
            check_version(cmd.expected_version, before.version, "track")
            after = msgspec.structs.replace(
                before,
                label=before.label if cmd.label is None else check_label(cmd.label),
                language=before.language if cmd.language is None else check_language(cmd.language),
                version=before.version + 1,
                updated_at=self._clock.now(),
            )
            await uow.tracks.update(after)
            changes = audit_changes(before.project_id, label=cmd.label, language=cmd.language)
            await uow.audit.record(actor, "track.updated", "track", before.id, changes, trace_id=actor.trace_id)
            await uow.commit()
        return after


class DeleteTrack:
    def __init__(self, uow: SubtitlesUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(self, actor: Actor, track_id: UUID, *, expected_version: int | None = None) -> None:
        async with self._uow as uow:
            track = (await track_for(uow, actor, track_id, ProjectAction.EDIT)).track
            await uow.tracks.lock(track.id)
            check_version(expected_version, track.version, "track")
            await uow.tracks.soft_delete(track_id, at=self._clock.now())
            changes = audit_changes(track.project_id, label=track.label)
            await uow.audit.record(actor, "track.deleted", "track", track_id, changes, trace_id=actor.trace_id)
            await uow.commit()


class ExportedTrack(msgspec.Struct, frozen=True, kw_only=True):
    track: Track
    format: SubtitleFormat
    data: bytes


class ExportTrack:
    def __init__(self, uow: SubtitlesUnitOfWork, codec: SubtitleCodec) -> None:
        self._uow, self._codec = uow, codec

    async def execute(self, actor: Actor, track_id: UUID, fmt: SubtitleFormat) -> ExportedTrack:
        contents: list[CueContent] = []
        async with self._uow as uow:
            track = (await track_for(uow, actor, track_id, ProjectAction.READ)).track
            # bounded batches, not one unbounded query
            async for stored in each_item(lambda page: uow.cues.page(track_id, page), batch=EXPORT_BATCH):
                contents.append(stored.cue.content)
            await end_read(uow)
        data = await self._codec.export(contents, fmt)
        return ExportedTrack(track=track, format=fmt, data=data)
