"""A project's cast (API.md, next wave): GET / PUT /api/v1/projects/{project_id}/cast."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Response, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, HeaderParameter, JSONBody

from application.actor import Actor
from application.use_cases.subtitles.cast import CastView, GetCast, PutCast
from domain.cast import checked_cast
from domain.voices import VoiceRef
from entrypoints.http.errors import problem_responses
from entrypoints.http.schemas import Envelope
from entrypoints.http.subtitles_schemas import VoiceIn
from entrypoints.http.versioning import etag, expected_version

IfMatch = Annotated[
    str | None,
    HeaderParameter(name="If-Match", required=False, description="the ETag of the cast you read (when one exists)"),
]


class CastIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    speakers: dict[Annotated[str, msgspec.Meta(max_length=200)], VoiceIn] = msgspec.field(default_factory=dict)
    defaults: dict[Annotated[str, msgspec.Meta(max_length=35)], VoiceIn] = msgspec.field(default_factory=dict)


class CastOut(msgspec.Struct, kw_only=True):
    project_id: UUID
    speakers: dict[str, VoiceIn]
    defaults: dict[str, VoiceIn]
    version: int
    updated_at: datetime | None
    unused_speakers: list[str]  # in the cast, said by no cue of the project's tracks (kept)

    @classmethod
    def of(cls, view: CastView) -> CastOut:
        stored = view.stored

        def out(voices: dict[str, VoiceRef]) -> dict[str, VoiceIn]:
            return {key: VoiceIn(engine=ref.engine, name=ref.name) for key, ref in voices.items()}

        return cls(
            project_id=stored.project_id,
            speakers=out(stored.cast.speakers),
            defaults=out(stored.cast.defaults),
            version=stored.version,
            updated_at=stored.updated_at,
            unused_speakers=view.unused_speakers,
        )


def _response(view: CastView) -> Response[Envelope[CastOut]]:
    return Response(Envelope(data=CastOut.of(view)), headers={"ETag": etag(view.stored.version)})


class CastController(Controller):
    path = "/api/v1/projects/{project_id:uuid}/cast"
    tags = ["projects"]

    @get("/", summary="The project's cast: a voice per speaker and a default voice per language")
    async def get_cast(
        self, actor: NamedDependency[Actor], project_id: FromPath[UUID], get_cast: NamedDependency[GetCast]
    ) -> Response[Envelope[CastOut]]:
        return _response(await get_cast.execute(actor, project_id))

    @put(
        "/",
        summary="Replace the project's cast (editor or owner; If-Match when one exists)",
        responses=problem_responses(400, 401, 403, 404, 412, 422),
    )
    async def put_cast(
        self,
        actor: NamedDependency[Actor],
        project_id: FromPath[UUID],
        data: JSONBody[CastIn],
        put_cast: NamedDependency[PutCast],
        if_match: IfMatch = None,
    ) -> Response[Envelope[CastOut]]:
        cast = checked_cast(
            {name: VoiceRef(engine=v.engine, name=v.name) for name, v in data.speakers.items()},
            {language: VoiceRef(engine=v.engine, name=v.name) for language, v in data.defaults.items()},
        )
        view = await put_cast.execute(actor, project_id, cast, expected_version=expected_version(if_match))
        return _response(view)
