"""Import a subtitle file from a provider (OpenSubtitles) as a new track of a project.

Run by the import job (`POST /projects/{id}/track-imports` → 202). The download happens outside the
database transaction; the file is parsed by the same codec as uploads; the track and its cues are
written in one transaction and audited (`track.created`, source `import`). Quota exhausted →
ProviderQuotaExhausted (its message names the reset time); a file that is not subtitles → 422.

Idempotent per job (S-JOB-2): the track records the job that wrote it. A job run again (its worker
died after the commit, or a retry) finds that track before downloading anything and returns it; two
runs racing past that check both download, but the unique job id lets only one of them write.
"""

from __future__ import annotations

from uuid import UUID

import msgspec

from application.actor import Actor
from application.errors import InvalidInput, ProviderDisabled
from application.ports.catalog import SubtitleCatalog
from application.ports.clock import Clock, IdGenerator
from application.ports.subtitles import SubtitleCodec
from application.ports.subtitles_uow import SubtitlesUnitOfWork
from application.use_cases.subtitles.common import end_read, project_for
from application.use_cases.subtitles.tracks import CreatedTrack, _TrackWriter
from domain.projects import ProjectAction
from domain.subtitles import TrackSource, check_language


class ImportTrackCommand(msgspec.Struct, frozen=True, kw_only=True):
    project_id: UUID
    file_id: int
    language: str
    provider: str = "opensubtitles"
    label: str | None = None
    job_id: int | None = None  # the queue job running the import: one track per job


class ImportedTrack(CreatedTrack, frozen=True, kw_only=True):
    already_imported: bool = False  # True: an earlier run of the same job wrote this track


class ImportSubtitleTrack(_TrackWriter):
    def __init__(
        self,
        uow: SubtitlesUnitOfWork,
        clock: Clock,
        ids: IdGenerator,
        codec: SubtitleCodec,
        catalog: SubtitleCatalog | None,
    ) -> None:
        super().__init__(uow, clock, ids)
        self._codec = codec
        self._catalog = catalog

    async def execute(self, actor: Actor, cmd: ImportTrackCommand) -> ImportedTrack:
        if self._catalog is None or self._catalog.provider != cmd.provider:
            raise ProviderDisabled(cmd.provider)
        if cmd.file_id <= 0:
            raise InvalidInput("file_id must be a positive integer", code="invalid_file_id")
        done = await self._authorize_unless_done(actor, cmd)
        if done is not None:
            return done
        check_language(cmd.language)
        downloaded = await self._catalog.download(cmd.file_id)
        parsed = await self._codec.parse(downloaded.content, filename=downloaded.file_name, language=cmd.language)
        source = TrackSource(kind="import", format=parsed.format, filename=downloaded.file_name)
        label = (cmd.label if cmd.label is not None else downloaded.file_name)[:200]
        if cmd.job_id is None:
            track = await self._create(actor, cmd.project_id, cmd.language, label, source, parsed.cues)
            return ImportedTrack(track=track, warnings=parsed.warnings)
        track, versions = self._new_track(cmd.project_id, cmd.language, label, source, parsed.cues)
        async with self._uow as uow:
            await project_for(uow, actor, cmd.project_id, ProjectAction.EDIT)
            if not await uow.tracks.add_imported(track, job_id=cmd.job_id):
                return await self._imported(uow, cmd.job_id)  # a concurrent run of this job won
            await self._write_cues_and_audit(uow, actor, track, versions)
            await uow.commit()
        return ImportedTrack(track=track, warnings=parsed.warnings)

    async def _authorize_unless_done(self, actor: Actor, cmd: ImportTrackCommand) -> ImportedTrack | None:
        """Outsiders 404, viewers 403; then the track an earlier run of this job wrote, if any."""
        async with self._uow as uow:
            await project_for(uow, actor, cmd.project_id, ProjectAction.EDIT)
            if cmd.job_id is None:
                await end_read(uow)
                return None
            found = await uow.tracks.find_imported(cmd.job_id)
            await end_read(uow)
        return None if found is None else ImportedTrack(track=found, warnings=[], already_imported=True)

    @staticmethod
    async def _imported(uow: SubtitlesUnitOfWork, job_id: int) -> ImportedTrack:
        found = await uow.tracks.find_imported(job_id)
        await end_read(uow)
        if found is None:  # the unique index refused the insert, so the track is there
            raise LookupError(f"import job {job_id} has a track that cannot be read back")
        return ImportedTrack(track=found, warnings=[], already_imported=True)
