"""Renders (API.md: Renders): request, list, read, watch (Server-Sent Events), download, cancel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, HeaderParameter, JSONBody, QueryParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage, Stream

from application.actor import Actor
from application.use_cases.renders.cancel_render import CancelRender
from application.use_cases.renders.playback import IssuePlaybackToken, PlaybackToken
from application.use_cases.renders.read_renders import (
    GetRender,
    GetRenderAudio,
    GetRenderReport,
    GetRenderSubtitles,
    ListTrackRenders,
    RenderAudio,
)
from application.use_cases.renders.request_render import RequestRender
from application.use_cases.renders.watch_render import WatchRender
from domain.render_report import CueFitReport
from entrypoints.http.auth import TAKES_PLAYBACK_LINKS, bearer_token
from entrypoints.http.byte_ranges import Unsatisfiable, parse_range
from entrypoints.http.controllers.tracks import MEDIA_TYPES as SUBTITLE_MEDIA_TYPES
from entrypoints.http.errors import problem_response, problem_responses
from entrypoints.http.idempotency import IDEMPOTENCY_HONOURED
from entrypoints.http.pagination import Cursor, Limit, ListIndex, page_out, page_request
from entrypoints.http.render_schemas import RenderIn, RenderOut
from entrypoints.http.schemas import Envelope, Page

RangeHeader = Annotated[
    str | None, HeaderParameter(name="Range", required=False, description="one byte range, e.g. bytes=0-1023")
]
PlaybackQuery = Annotated[
    str | None,
    QueryParameter(
        name="token",
        required=False,
        max_length=2048,
        description="instead of the Authorization header: a playback token of this render (POST …/playback-url)",
    ),
]
PLAYBACK = {TAKES_PLAYBACK_LINKS: True}


class PlaybackUrlOut(msgspec.Struct, kw_only=True):
    audio_url: str
    video_url: str | None  # for a render delivered inside a video
    voice_url: str
    original_url: str | None  # the media the render was mixed over, to play beside an audio dub
    expires_at: datetime

    @classmethod
    def of(cls, issued: PlaybackToken) -> PlaybackUrlOut:
        base, query = f"/api/v1/renders/{issued.render_id}", f"?token={issued.token}"
        return cls(
            audio_url=f"{base}/audio{query}",
            video_url=f"{base}/video{query}" if issued.video else None,
            voice_url=f"{base}/stems/voice{query}",
            original_url=f"{base}/original{query}" if issued.with_media else None,
            expires_at=issued.expires_at,
        )


class TrackRendersController(Controller):
    path = "/api/v1/tracks/{track_id:uuid}/renders"
    tags = ["renders"]

    @post(
        "/",
        status_code=202,
        summary="Render the track's voice-over (queued; answers at once)",
        opt=IDEMPOTENCY_HONOURED,
        responses=problem_responses(400, 401, 403, 404, 409, 422, 429, 503),
    )
    async def request_render(
        self,
        actor: NamedDependency[Actor],
        track_id: FromPath[UUID],
        data: JSONBody[RenderIn],
        request_render: NamedDependency[RequestRender],
    ) -> Response[Envelope[RenderOut]]:
        render = await request_render.execute(actor, track_id, data.options(), voice_by_language=data.voice is None)
        return Response(
            Envelope(data=RenderOut.of(render)), status_code=202, headers={"Location": f"/api/v1/renders/{render.id}"}
        )

    @get("/", summary="Renders of a track, newest first", responses=problem_responses(400, 401, 404))
    async def list_renders(
        self,
        actor: NamedDependency[Actor],
        track_id: FromPath[UUID],
        list_track_renders: NamedDependency[ListTrackRenders],
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> Page[RenderOut]:
        found = await list_track_renders.execute(actor, track_id, page_request(limit, cursor, UUID))
        return page_out(found, limit, RenderOut.of)


class RendersController(Controller):
    path = "/api/v1/renders/{render_id:uuid}"
    tags = ["renders"]

    @get("/", summary="A render: status, progress, heartbeat, stats", responses=problem_responses(401, 404))
    async def get_render(
        self, actor: NamedDependency[Actor], render_id: FromPath[UUID], get_render: NamedDependency[GetRender]
    ) -> Envelope[RenderOut]:
        return Envelope(data=RenderOut.of(await get_render.execute(actor, render_id)))

    @get(
        "/subtitles",
        summary="The track's subtitles with the timings as spoken in this render (SRT or WebVTT)",
        responses=problem_responses(400, 401, 404, 409),
    )
    async def subtitles(
        self,
        actor: NamedDependency[Actor],
        render_id: FromPath[UUID],
        get_render_subtitles: NamedDependency[GetRenderSubtitles],
        format: Annotated[str, QueryParameter(name="format", pattern="^(srt|vtt)$")] = "srt",
    ) -> Response[bytes]:
        chosen, data = await get_render_subtitles.execute(actor, render_id, format)
        return Response(
            content=data,
            media_type=SUBTITLE_MEDIA_TYPES[chosen],
            headers={"Content-Disposition": f'attachment; filename="render-{render_id}.{chosen.value}"'},
        )

    @get(
        "/report",
        summary="What the render did with each cue: fit, speed, the voice that spoke it (paged)",
        responses=problem_responses(400, 401, 404),
    )
    async def report(
        self,
        actor: NamedDependency[Actor],
        render_id: FromPath[UUID],
        get_render_report: NamedDependency[GetRenderReport],
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> Page[CueFitReport]:
        found = await get_render_report.execute(actor, render_id, page_request(limit, cursor, ListIndex))
        return page_out(found, limit, lambda entry: entry)

    @post("/cancel", status_code=202, summary="Cancel a render", responses=problem_responses(401, 403, 404, 409))
    async def cancel(
        self, actor: NamedDependency[Actor], render_id: FromPath[UUID], cancel_render: NamedDependency[CancelRender]
    ) -> Envelope[RenderOut]:
        return Envelope(data=RenderOut.of(await cancel_render.execute(actor, render_id)))

    @get(
        "/events",
        summary="Server-Sent Events: `progress` on every change, then `done`, `failed` or `cancelled`",
        responses=problem_responses(401, 404),
    )
    async def events(
        self, actor: NamedDependency[Actor], render_id: FromPath[UUID], watch_render: NamedDependency[WatchRender]
    ) -> ServerSentEvent:
        await watch_render.check(actor, render_id)  # refusals are plain problem answers, before the stream

        async def stream() -> AsyncIterator[ServerSentEventMessage]:
            async for name, render in watch_render.execute(actor, render_id):
                body = msgspec.json.encode(RenderOut.of(render)).decode()
                yield ServerSentEventMessage(event=name, data=body, id=f"{render.progress.done}-{render.status}")

        return ServerSentEvent(stream(), headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    @post(
        "/playback-url",
        status_code=200,
        summary="Links that play this render's downloads without a header, for ten minutes (media elements)",
        responses=problem_responses(401, 404),
    )
    async def playback_url(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        render_id: FromPath[UUID],
        issue_playback_token: NamedDependency[IssuePlaybackToken],
    ) -> Response[Envelope[PlaybackUrlOut]]:
        issued = await issue_playback_token.execute(actor, bearer_token(request.scope) or "", render_id)
        return Response(Envelope(data=PlaybackUrlOut.of(issued)), headers={"Cache-Control": "no-store"})

    @get(
        "/audio",
        summary="Download the rendered audio: the voice, or its mix over the media (single byte ranges supported)",
        responses=problem_responses(401, 404, 409, 416),
        opt=PLAYBACK,
    )
    async def audio(
        self,
        actor: NamedDependency[Actor],
        render_id: FromPath[UUID],
        get_render_audio: NamedDependency[GetRenderAudio],
        range_header: RangeHeader = None,
        token: PlaybackQuery = None,
    ) -> Response[Any]:
        return await _download(await get_render_audio.execute(actor, render_id, "audio"), range_header, "")

    @get(
        "/video",
        summary="Download the delivered video (mkv, mp4, webm renders; single byte ranges supported)",
        responses=problem_responses(401, 404, 409, 416),
        opt=PLAYBACK,
    )
    async def video(
        self,
        actor: NamedDependency[Actor],
        render_id: FromPath[UUID],
        get_render_audio: NamedDependency[GetRenderAudio],
        range_header: RangeHeader = None,
        token: PlaybackQuery = None,
    ) -> Response[Any]:
        return await _download(await get_render_audio.execute(actor, render_id, "video"), range_header, "")

    @get(
        "/original",
        summary="The original media the render was mixed over, to play beside the dub (single byte ranges)",
        responses=problem_responses(401, 404, 409, 416),
        opt=PLAYBACK,
    )
    async def original(
        self,
        actor: NamedDependency[Actor],
        render_id: FromPath[UUID],
        get_render_audio: NamedDependency[GetRenderAudio],
        range_header: RangeHeader = None,
        token: PlaybackQuery = None,
    ) -> Response[Any]:
        return await _download(await get_render_audio.execute(actor, render_id, "original"), range_header, ".original")

    @get(
        "/stems/voice",
        summary="Download the voice-only track of any render (single byte ranges supported)",
        responses=problem_responses(401, 404, 409, 416),
        opt=PLAYBACK,
    )
    async def voice_stem(
        self,
        actor: NamedDependency[Actor],
        render_id: FromPath[UUID],
        get_render_audio: NamedDependency[GetRenderAudio],
        range_header: RangeHeader = None,
        token: PlaybackQuery = None,
    ) -> Response[Any]:
        return await _download(await get_render_audio.execute(actor, render_id, "voice"), range_header, ".voice")


async def _download(found: RenderAudio, range_header: str | None, suffix: str) -> Response[Any]:
    render, size = found.render, found.size
    tag = f'"{render.id}{suffix}-{size}"'
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": tag,
        "Content-Disposition": f'attachment; filename="render-{render.id}{suffix}.{found.format}"',
        "Cache-Control": "private, max-age=3600",
    }
    try:
        span = parse_range(range_header, size)
    except Unsatisfiable:
        response = problem_response(416, "range_not_satisfiable", f"the file has {size} bytes", None)
        response.headers.update({"Content-Range": f"bytes */{size}", "Accept-Ranges": "bytes"})
        return response
    first, last = span if span is not None else (0, size - 1)
    headers["Content-Length"] = str(last - first + 1)
    if span is not None:
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    return Stream(
        await found.read(first, last),
        status_code=206 if span is not None else 200,
        media_type=found.media_type,
        headers=headers,
    )
