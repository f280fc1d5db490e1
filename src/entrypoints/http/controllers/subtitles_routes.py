"""The subtitles area's routes, with the body limits their uploads and sync pushes need."""

from __future__ import annotations

from litestar import Controller, Router

from entrypoints.http.controllers.casts import CastController
from entrypoints.http.controllers.cues import CueController, SyncController
from entrypoints.http.controllers.invitations import InvitationController
from entrypoints.http.controllers.projects import ProjectController
from entrypoints.http.controllers.tracks import OPT_MAX_JSON, OPT_MAX_UPLOAD, ProjectTracksController, TrackController
from entrypoints.settings import Settings

# Multipart framing around the file: boundaries, part headers and the small form fields.
MULTIPART_SLACK_BYTES = 64 * 1024


def subtitles_routes(settings: Settings) -> list[Router | type[Controller]]:
    uploads = Router(
        path="/",
        route_handlers=[ProjectTracksController],
        request_max_body_size=settings.max_upload_bytes + MULTIPART_SLACK_BYTES,
        opt={OPT_MAX_UPLOAD: settings.max_upload_bytes, OPT_MAX_JSON: settings.max_json_body_bytes},
    )
    # A push of 5 000 changes may exceed the JSON limit; it gets the upload limit, which the
    # idempotency middleware also covers, so every accepted push is replayable.
    sync = Router(path="/", route_handlers=[SyncController], request_max_body_size=settings.max_upload_bytes)
    return [ProjectController, InvitationController, CastController, uploads, TrackController, CueController, sync]
