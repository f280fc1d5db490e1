"""One cue heard in context (with a neighbour on each side), as WAV, before rendering the track."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from application.actor import Actor
from application.use_cases.renders.preview_cue import PreviewCue
from entrypoints.http.errors import problem_responses
from entrypoints.http.fit_check_schemas import PreviewIn


class CuePreviewController(Controller):
    path = "/api/v1/tracks/{track_id:uuid}/cues/{cue_id:uuid}/preview"
    tags = ["renders"]

    @post(
        "/",
        status_code=200,
        summary="Hear one cue fitted between its neighbours (audio/wav); unsaved text may be sent",
        responses=problem_responses(400, 401, 403, 404, 422, 429, 503),
    )
    async def preview(
        self,
        actor: NamedDependency[Actor],
        track_id: FromPath[UUID],
        cue_id: FromPath[UUID],
        preview_cue: NamedDependency[PreviewCue],
        data: JSONBody[PreviewIn | None] = None,
    ) -> Response[bytes]:
        body = data or PreviewIn()
        wav = await preview_cue.execute(actor, track_id, str(cue_id), body.options(), text=body.text)
        return Response(content=wav, media_type="audio/wav", headers={"Cache-Control": "no-store"})
