"""Subtitle tracks (API.md: Subtitle tracks and cues): JSON or multipart creation, read, relabel, export."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, ValidationException
from litestar.params import FromPath, JSONBody, QueryParameter

from application.actor import Actor
from application.errors import PayloadTooLarge
from application.use_cases.subtitles.tracks import (
    CreateTrack,
    CreateTrackCommand,
    DeleteTrack,
    ExportTrack,
    GetTrack,
    ListTracks,
    NewCue,
    UpdateTrack,
    UpdateTrackCommand,
    UploadTrack,
    UploadTrackCommand,
)
from domain.subtitles import SubtitleFormat
from entrypoints.http.controllers.projects import IfMatch
from entrypoints.http.errors import problem_responses
from entrypoints.http.idempotency import IDEMPOTENCY_HONOURED
from entrypoints.http.pagination import Cursor, Limit, page_out, page_request
from entrypoints.http.schemas import Envelope, Page
from entrypoints.http.subtitles_schemas import CreatedTrackOut, ImportReportOut, TrackIn, TrackOut, TrackPatch
from entrypoints.http.track_upload_openapi import TrackCreationOperation
from entrypoints.http.versioning import etag, expected_version

MEDIA_TYPES = {  # Litestar adds "; charset=utf-8" to text/* types itself
    SubtitleFormat.SRT: "application/x-subrip; charset=utf-8",
    SubtitleFormat.VTT: "text/vtt",
    SubtitleFormat.ASS: "text/x-ssa",
}
OPT_MAX_UPLOAD = "max_upload_bytes"
OPT_MAX_JSON = "max_json_bytes"


def _track_response(out: TrackOut, status_code: int = 200) -> Response[Any]:
    headers = {"ETag": etag(out.version)}
    if status_code == 201:
        headers["Location"] = f"/api/v1/tracks/{out.id}"
    return Response(Envelope(data=out), status_code=status_code, headers=headers)


def _field(form: Any, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) else None


class ProjectTracksController(Controller):
    """Mounted on a router whose body limit fits an upload; JSON bodies keep the JSON limit."""

    path = "/api/v1/projects/{project_id:uuid}/tracks"
    tags = ["tracks"]

    @get("/", summary="Tracks of a project", responses=problem_responses(400, 401, 404))
    async def list_tracks(
        self,
        actor: NamedDependency[Actor],
        project_id: FromPath[UUID],
        list_tracks: NamedDependency[ListTracks],
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> Page[TrackOut]:
        found = await list_tracks.execute(actor, project_id, page_request(limit, cursor, UUID))
        return page_out(found, limit, TrackOut.of)

    @post(
        "/",
        summary="Create a track from JSON cues, or upload an SRT / WebVTT / ASS / SSA file (multipart `file`)",
        description=(
            "JSON body `{language, label, cues}`; or `multipart/form-data` with `file`, `language`, optional "
            "`label` and optional `encoding` (read the file in it instead of detecting one). Uploads are limited to "
            "5 MiB (413); a file without a usable cue answers 422 naming the first bad line, one that takes too long "
            "to read 422 `subtitles_too_complex`. The answer's `report` says what was read, skipped and recognised."
        ),
        opt=IDEMPOTENCY_HONOURED,
        operation_class=TrackCreationOperation,
        responses=problem_responses(400, 401, 403, 404, 413, 415, 422),
    )
    async def create_track(
        self,
        actor: NamedDependency[Actor],
        project_id: FromPath[UUID],
        request: Request[Any, Any, Any],
        create_track: NamedDependency[CreateTrack],
        upload_track: NamedDependency[UploadTrack],
    ) -> Response[Envelope[CreatedTrackOut]]:
        media_type, _ = request.content_type
        opt = request.route_handler.opt
        if media_type == "multipart/form-data":
            created = await upload_track.execute(actor, await self._upload_command(request, project_id, opt))
        elif media_type == "application/json":
            if (request.content_length or 0) > opt[OPT_MAX_JSON]:
                raise PayloadTooLarge(f"JSON bodies are limited to {opt[OPT_MAX_JSON]} bytes")
            body = await request.body()
            if len(body) > opt[OPT_MAX_JSON]:
                raise PayloadTooLarge(f"JSON bodies are limited to {opt[OPT_MAX_JSON]} bytes")
            data = _decode(body, TrackIn)
            cues = [
                NewCue(start_ms=c.start_ms, end_ms=c.end_ms, text=c.text, speaker=c.speaker, spoken=c.spoken)
                for c in data.cues
            ]
            cmd = CreateTrackCommand(project_id=project_id, language=data.language, label=data.label, cues=cues)
            created = await create_track.execute(actor, cmd)
        else:
            raise HTTPException(status_code=415, detail="send application/json or multipart/form-data")
        report = None if created.parsed is None else ImportReportOut.of(created.parsed)
        out = CreatedTrackOut(
            **msgspec.structs.asdict(TrackOut.of(created.track)), warnings=created.warnings, report=report
        )
        return _track_response(out, 201)

    @staticmethod
    async def _upload_command(
        request: Request[Any, Any, Any], project_id: FromPath[UUID], opt: dict[str, Any]
    ) -> UploadTrackCommand:
        limit = int(opt[OPT_MAX_UPLOAD])
        if (request.content_length or 0) > limit + 64 * 1024:
            raise PayloadTooLarge(f"uploads are limited to {limit} bytes", code="upload_too_large")
        form = await request.form()
        upload = form.get("file")
        language = _field(form, "language")
        if not isinstance(upload, UploadFile) or language is None:
            raise ValidationException(
                "multipart uploads need a `file` part and a `language` field",
                extra=[{"key": "file" if not isinstance(upload, UploadFile) else "language", "message": "required"}],
            )
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise PayloadTooLarge(f"uploads are limited to {limit} bytes", code="upload_too_large")
        return UploadTrackCommand(
            project_id=project_id,
            language=language,
            data=data,
            filename=upload.filename,
            label=_field(form, "label"),
            encoding=_field(form, "encoding") or None,
        )


def _decode(body: bytes, shape: type[Any]) -> Any:
    try:
        return msgspec.json.decode(body, type=shape)
    except msgspec.ValidationError as exc:
        raise ValidationException(str(exc), extra=[{"key": "body", "message": str(exc)}]) from None
    except msgspec.DecodeError:
        raise ValidationException(
            "the body is not valid JSON", extra=[{"key": "body", "message": "invalid JSON"}]
        ) from None


class TrackController(Controller):
    path = "/api/v1/tracks/{track_id:uuid}"
    tags = ["tracks"]

    @get("/", summary="One track", responses=problem_responses(401, 404))
    async def get_track(
        self, actor: NamedDependency[Actor], track_id: FromPath[UUID], get_track: NamedDependency[GetTrack]
    ) -> Response[Envelope[TrackOut]]:
        return _track_response(TrackOut.of(await get_track.execute(actor, track_id)))

    @patch("/", summary="Relabel a track (If-Match)", responses=problem_responses(400, 401, 403, 404, 412, 422))
    async def update_track(
        self,
        actor: NamedDependency[Actor],
        track_id: FromPath[UUID],
        data: JSONBody[TrackPatch],
        update_track: NamedDependency[UpdateTrack],
        if_match: IfMatch = None,
    ) -> Response[Envelope[TrackOut]]:
        cmd = UpdateTrackCommand(
            track_id=track_id, label=data.label, language=data.language, expected_version=expected_version(if_match)
        )
        return _track_response(TrackOut.of(await update_track.execute(actor, cmd)))

    @delete("/", summary="Soft-delete a track (If-Match)", responses=problem_responses(401, 403, 404, 412))
    async def delete_track(
        self,
        actor: NamedDependency[Actor],
        track_id: FromPath[UUID],
        delete_track: NamedDependency[DeleteTrack],
        if_match: IfMatch = None,
    ) -> None:
        await delete_track.execute(actor, track_id, expected_version=expected_version(if_match))

    @get(
        "/export",
        summary="The track as an SRT, WebVTT or ASS file",
        responses=problem_responses(400, 401, 404, 422),
        media_type="application/octet-stream",
    )
    async def export_track(
        self,
        actor: NamedDependency[Actor],
        track_id: FromPath[UUID],
        export_track: NamedDependency[ExportTrack],
        format: Annotated[str, QueryParameter(name="format", pattern="^(srt|vtt|ass)$")] = "srt",
    ) -> Response[bytes]:
        exported = await export_track.execute(actor, track_id, SubtitleFormat(format))
        filename = f"track-{track_id}.{exported.format.value}"
        return Response(
            content=exported.data,
            media_type=MEDIA_TYPES[exported.format],
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
