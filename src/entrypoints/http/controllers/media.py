"""Project media (API.md: Next wave): upload a video or audio file (streamed), list, delete."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, Router, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from application.actor import Actor
from application.use_cases.media.project_media import DeleteMedia, ListMedia, UploadMedia
from entrypoints.http.errors import problem_responses
from entrypoints.http.media_schemas import MediaOut
from entrypoints.http.media_upload import MULTIPART_SLACK_BYTES, MediaUploadOperation, StreamedUpload
from entrypoints.http.pagination import Cursor, Limit, page_out, page_request
from entrypoints.http.schemas import Envelope, Page
from entrypoints.settings import Settings


class ProjectMediaController(Controller):
    path = "/api/v1/projects/{project_id:uuid}/media"
    tags = ["media"]

    @post(
        "/",
        summary="Upload the project's video or audio (multipart `file`, optional `role`); probed on arrival",
        description=(
            "Streamed to storage as it arrives. Beyond `SUBDUB_MAX_MEDIA_BYTES` (default 4 GiB) answers 413 and "
            "keeps nothing; a file that is not media, or truncated or damaged, answers 422 naming what failed."
        ),
        operation_class=MediaUploadOperation,
        responses=problem_responses(400, 401, 403, 404, 413, 415, 422),
    )
    async def upload_media(
        self,
        actor: NamedDependency[Actor],
        project_id: FromPath[UUID],
        request: Request[Any, Any, Any],
        upload_media: NamedDependency[UploadMedia],
    ) -> Response[Envelope[MediaOut]]:
        media = await upload_media.execute(actor, project_id, StreamedUpload(request))
        location = f"/api/v1/projects/{project_id}/media/{media.id}"
        return Response(Envelope(data=MediaOut.of(media)), status_code=201, headers={"Location": location})

    @get("/", summary="The project's media", responses=problem_responses(400, 401, 404))
    async def list_media(
        self,
        actor: NamedDependency[Actor],
        project_id: FromPath[UUID],
        list_media: NamedDependency[ListMedia],
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> Page[MediaOut]:
        found = await list_media.execute(actor, project_id, page_request(limit, cursor, UUID))
        return page_out(found, limit, MediaOut.of)

    @delete(
        "/{media_id:uuid}", summary="Delete a media file (owner or editor)", responses=problem_responses(401, 403, 404)
    )
    async def delete_media(
        self,
        actor: NamedDependency[Actor],
        project_id: FromPath[UUID],
        media_id: FromPath[UUID],
        delete_media: NamedDependency[DeleteMedia],
    ) -> None:
        await delete_media.execute(actor, project_id, media_id)


def media_routes(settings: Settings) -> Router:
    """Mounted with a body limit that fits a feature film; the upload is streamed, never held."""
    return Router(
        path="/",
        route_handlers=[ProjectMediaController],
        request_max_body_size=settings.max_media_bytes + MULTIPART_SLACK_BYTES,
    )
