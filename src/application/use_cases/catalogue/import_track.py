"""Import a subtitle file from a provider (OpenSubtitles) as a new track of a project.

Run by the import job (`POST /projects/{id}/track-imports` → 202). The download happens outside the
database transaction; the file is parsed by the same codec as uploads; the track and its cues are
written in one transaction and audited (`track.created`, source `import`). Quota exhausted →
ProviderQuotaExhausted (its message names the reset time); a file that is not subtitles → 422.
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
from application.use_cases.subtitles.tracks import CreatedTrack, _TrackWriter
from domain.subtitles import TrackSource, check_language


class ImportTrackCommand(msgspec.Struct, frozen=True, kw_only=True):
    project_id: UUID
    file_id: int
    language: str
    provider: str = "opensubtitles"
    label: str | None = None


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

    async def execute(self, actor: Actor, cmd: ImportTrackCommand) -> CreatedTrack:
        if self._catalog is None or self._catalog.provider != cmd.provider:
            raise ProviderDisabled(cmd.provider)
        if cmd.file_id <= 0:
            raise InvalidInput("file_id must be a positive integer", code="invalid_file_id")
        await self._authorize(actor, cmd.project_id)
        check_language(cmd.language)
        downloaded = await self._catalog.download(cmd.file_id)
        parsed = await self._codec.parse(downloaded.content, filename=downloaded.file_name)
        source = TrackSource(kind="import", format=parsed.format, filename=downloaded.file_name)
        label = (cmd.label if cmd.label is not None else downloaded.file_name)[:200]
        track = await self._create(actor, cmd.project_id, cmd.language, label, source, parsed.cues)
        return CreatedTrack(track=track, warnings=parsed.warnings)
