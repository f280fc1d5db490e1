"""Importing a provider's subtitle file as a track: 202 with the job; the track appears when it finishes."""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from application.actor import Actor
from application.use_cases.catalogue.import_track import ImportTrackCommand
from application.use_cases.catalogue.request_track_import import QueuedTrackImport, RequestTrackImport
from entrypoints.http.errors import problem_responses
from entrypoints.http.schemas import Envelope


class TrackImportIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    provider: str
    file_id: int
    language: str


class TrackImportOut(msgspec.Struct, kw_only=True):
    job_id: int
    status: str
    provider: str
    file_id: int
    language: str

    @classmethod
    def of(cls, queued: QueuedTrackImport) -> TrackImportOut:
        return cls(
            job_id=queued.job_id,
            status="queued",
            provider=queued.provider,
            file_id=queued.file_id,
            language=queued.language,
        )


class TrackImportsController(Controller):
    path = "/api/v1/projects/{project_id:uuid}/track-imports"
    tags = ["catalogue"]

    @post(
        "/",
        status_code=202,
        summary="Import a provider's subtitle file (OpenSubtitles `file_id`) as a new track of the project",
        description=(
            "Queues an import job (visible in `GET /api/v1/admin/jobs`); the track appears when it finishes. "
            "A spent download quota fails the job with the provider's reset time in its error."
        ),
        responses=problem_responses(400, 401, 403, 404, 422, 503),
    )
    async def request_import(
        self,
        actor: NamedDependency[Actor],
        project_id: FromPath[UUID],
        data: JSONBody[TrackImportIn],
        request_track_import: NamedDependency[RequestTrackImport],
    ) -> Envelope[TrackImportOut]:
        cmd = ImportTrackCommand(
            project_id=project_id, file_id=data.file_id, language=data.language, provider=data.provider
        )
        return Envelope(data=TrackImportOut.of(await request_track_import.execute(actor, cmd)))
