"""Ask for a provider's subtitle file to become a track (`POST /projects/{id}/track-imports` → 202).

Everything the caller can get wrong is checked here, before the job is queued in the same
transaction as its audit entry; the job (ImportSubtitleTrack, run by the worker) downloads,
parses and writes the track, so the track appears when the job finishes.
"""

from __future__ import annotations

import msgspec

from application.actor import Actor
from application.errors import FieldError, InvalidInput, ProviderDisabled
from application.ports.catalog import SubtitleCatalog
from application.ports.renders import TrackImportJob
from application.ports.subtitles_uow import QueuedUnitOfWork
from application.use_cases.catalogue.import_track import ImportTrackCommand
from application.use_cases.subtitles.common import project_for
from domain.errors import InvariantViolated
from domain.projects import ProjectAction
from domain.subtitles import check_language

SUBTITLE_PROVIDERS = ("opensubtitles",)


class QueuedTrackImport(msgspec.Struct, frozen=True, kw_only=True):
    job_id: int
    provider: str
    file_id: int
    language: str


class RequestTrackImport:
    def __init__(self, uow: QueuedUnitOfWork, catalog: SubtitleCatalog | None) -> None:
        self._uow = uow
        self._catalog = catalog

    async def execute(self, actor: Actor, cmd: ImportTrackCommand) -> QueuedTrackImport:
        async with self._uow as uow:
            await project_for(uow, actor, cmd.project_id, ProjectAction.EDIT)
            language = self._check(cmd)
            job = TrackImportJob(
                project_id=cmd.project_id,
                user_id=actor.user_id,
                provider=cmd.provider,
                file_id=cmd.file_id,
                language=language,
                trace_id=actor.trace_id,
            )
            job_id = await uow.jobs.defer_track_import(job)
            changes = {"provider": cmd.provider, "file_id": cmd.file_id, "language": language, "job_id": job_id}
            await uow.audit.record(
                actor, "track_import.requested", "project", cmd.project_id, changes, trace_id=actor.trace_id
            )
            await uow.commit()
        return QueuedTrackImport(job_id=job_id, provider=cmd.provider, file_id=cmd.file_id, language=language)

    def _check(self, cmd: ImportTrackCommand) -> str:
        if cmd.provider not in SUBTITLE_PROVIDERS:
            message = f"provider must be one of {', '.join(SUBTITLE_PROVIDERS)}"
            raise InvalidInput(message, [FieldError("provider", message)], code="unknown_provider")
        if self._catalog is None or self._catalog.provider != cmd.provider:
            raise ProviderDisabled(cmd.provider)
        errors: list[FieldError] = []
        if cmd.file_id <= 0:
            errors.append(FieldError("file_id", "file_id must be a positive integer"))
        try:
            language = check_language(cmd.language)
        except InvariantViolated as exc:
            errors.append(FieldError("language", exc.message))
        if errors:
            raise InvalidInput("the import request is invalid", errors, code="invalid_track_import")
        return language
