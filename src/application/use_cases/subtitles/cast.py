"""A project's cast: read it (any member), replace it (editor or owner; If-Match; audited). Its voices
are checked against the enabled engines when it is saved, and again by every render."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

import msgspec

from application.actor import Actor
from application.errors import InvalidInput
from application.ports.casts import StoredCast
from application.ports.clock import Clock
from application.ports.speech import SpeechSynthesizer
from application.ports.subtitles_uow import SubtitlesUnitOfWork
from application.use_cases.subtitles.common import audit_changes, check_version, end_read, project_for
from application.voice_checks import check_voices
from domain.cast import Cast, speakers_without_cues
from domain.projects import ProjectAction


class CastView(msgspec.Struct, frozen=True, kw_only=True):
    stored: StoredCast
    unused_speakers: list[str]  # in the cast, said by no cue of the project (kept)


class GetCast:
    def __init__(self, uow: SubtitlesUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, project_id: UUID) -> CastView:
        async with self._uow as uow:
            await project_for(uow, actor, project_id, ProjectAction.READ)
            stored = await uow.casts.get(project_id) or StoredCast(
                project_id=project_id, cast=Cast(), version=0, updated_at=None
            )
            heard = await uow.casts.speakers(project_id)
            await end_read(uow)
        return CastView(stored=stored, unused_speakers=speakers_without_cues(stored.cast, heard))


class PutCast:
    def __init__(self, uow: SubtitlesUnitOfWork, clock: Clock, synthesizers: Mapping[str, SpeechSynthesizer]) -> None:
        self._uow, self._clock, self._synthesizers = uow, clock, synthesizers

    async def execute(self, actor: Actor, project_id: UUID, cast: Cast, *, expected_version: int | None) -> CastView:
        # Before the transaction: listing a provider's voices may take a network round trip.
        voice_error = await self._voice_error(cast)
        async with self._uow as uow:
            await project_for(uow, actor, project_id, ProjectAction.EDIT, for_update=True)
            if voice_error is not None:  # raised after the access check: an outsider learns nothing
                raise voice_error
            current = await uow.casts.get(project_id, for_update=True)
            check_version(expected_version, current.version if current else 0, "cast")
            now = self._clock.now()
            version = (current.version if current else 0) + 1
            await uow.casts.save(project_id, cast, version=version, at=now)
            heard = await uow.casts.speakers(project_id)
            changes = audit_changes(
                project_id,
                speakers={name: str(ref) for name, ref in cast.speakers.items()},
                defaults={language: str(ref) for language, ref in cast.defaults.items()},
                version=version,
            )
            await uow.audit.record(actor, "cast.updated", "project", project_id, changes, trace_id=actor.trace_id)
            await uow.commit()
        stored = StoredCast(project_id=project_id, cast=cast, version=version, updated_at=now)
        return CastView(stored=stored, unused_speakers=speakers_without_cues(cast, heard))

    async def _voice_error(self, cast: Cast) -> InvalidInput | None:
        uses = [(field, ref, _language_of(field)) for field, ref in cast.entries()]
        try:
            await check_voices(self._synthesizers, uses)
        except InvalidInput as exc:
            return exc
        return None


def _language_of(field: str) -> str | None:
    """A default's voice must speak its language; a speaker's is checked against each track by the render."""
    return field.removeprefix("defaults.") if field.startswith("defaults.") else None
