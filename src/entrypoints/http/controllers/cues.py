"""Cues of a track, offline sync push and the changes feed (API.md; S-API-7, S-SYNC)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from application.actor import Actor
from application.errors import FieldError, InvalidInput
from application.off_loop import off_loop, small
from application.ports.tracks import CueKey
from application.use_cases.subtitles.cues import (
    CreateCue,
    CreateCueCommand,
    DeleteCue,
    GetCue,
    ListCues,
    UpdateCue,
    UpdateCueCommand,
)
from application.use_cases.subtitles.sync import MAX_CHANGES_PAGE, PullChanges, PushChanges
from domain.errors import InvariantViolated
from domain.sync import CueChange
from entrypoints.http.controllers.projects import IfMatch
from entrypoints.http.errors import problem_responses
from entrypoints.http.idempotency import IDEMPOTENCY_HONOURED, IDEMPOTENCY_REQUIRED
from entrypoints.http.pagination import Cursor, Limit, decode_cursor, encode_cursor, page_out, page_request
from entrypoints.http.schemas import Envelope, Page
from entrypoints.http.subtitles_schemas import (
    ChangeIn,
    ChangeOut,
    ChangesOut,
    CueIn,
    CueOut,
    CuePatch,
    RejectionOut,
    SyncIn,
    SyncOut,
)
from entrypoints.http.versioning import etag, expected_version


def _cue_response(out: CueOut, status_code: int = 200, track_id: UUID | None = None) -> Response[Envelope[CueOut]]:
    headers = {"ETag": etag(out.version)}
    if track_id is not None:
        headers["Location"] = f"/api/v1/tracks/{track_id}/cues/{out.id}"
    return Response(Envelope(data=out), status_code=status_code, headers=headers)


def _since(cursor: str | None) -> int | None:
    return None if cursor is None else int(decode_cursor(cursor, tuple[Annotated[int, msgspec.Meta(ge=0)]])[0])


class CueController(Controller):
    path = "/api/v1/tracks/{track_id:uuid}"
    tags = ["cues"]

    @get("/cues", summary="Cues ordered by (start_ms, id), cursor paged", responses=problem_responses(400, 401, 404))
    async def list_cues(
        self,
        actor: NamedDependency[Actor],
        track_id: FromPath[UUID],
        list_cues: NamedDependency[ListCues],
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> Page[CueOut]:
        found = await list_cues.execute(actor, track_id, page_request(limit, cursor, CueKey))
        return page_out(found, limit, CueOut.stored)

    @post(
        "/cues",
        summary="Create a cue (editor or owner); a client-chosen UUID is kept",
        opt=IDEMPOTENCY_HONOURED,
        responses=problem_responses(400, 401, 403, 404, 409, 422),
    )
    async def create_cue(
        self,
        actor: NamedDependency[Actor],
        track_id: FromPath[UUID],
        data: JSONBody[CueIn],
        create_cue: NamedDependency[CreateCue],
    ) -> Response[Envelope[CueOut]]:
        cmd = CreateCueCommand(
            track_id=track_id,
            id=data.id,
            start_ms=data.start_ms,
            end_ms=data.end_ms,
            text=data.text,
            voice=None if data.voice is None else data.voice.to_ref(),
            speaker=data.speaker,
            spoken=data.spoken,
        )
        return _cue_response(CueOut.stored(await create_cue.execute(actor, cmd)), 201, track_id)

    @get("/cues/{cue_id:uuid}", summary="One cue", responses=problem_responses(401, 404))
    async def get_cue(
        self,
        actor: NamedDependency[Actor],
        track_id: FromPath[UUID],
        cue_id: FromPath[UUID],
        get_cue: NamedDependency[GetCue],
    ) -> Response[Envelope[CueOut]]:
        return _cue_response(CueOut.stored(await get_cue.execute(actor, track_id, cue_id)))

    @patch(
        "/cues/{cue_id:uuid}",
        summary="Change a cue (editor or owner, If-Match)",
        responses=problem_responses(400, 401, 403, 404, 412, 422),
    )
    async def update_cue(
        self,
        actor: NamedDependency[Actor],
        track_id: FromPath[UUID],
        cue_id: FromPath[UUID],
        data: JSONBody[CuePatch],
        update_cue: NamedDependency[UpdateCue],
        if_match: IfMatch = None,
    ) -> Response[Envelope[CueOut]]:
        voice = data.voice if isinstance(data.voice, msgspec.UnsetType) or data.voice is None else data.voice.to_ref()
        cmd = UpdateCueCommand(
            track_id=track_id,
            cue_id=cue_id,
            start_ms=data.start_ms,
            end_ms=data.end_ms,
            text=data.text,
            voice=voice,
            speaker=data.speaker,
            spoken=data.spoken,
            expected_version=expected_version(if_match),
        )
        return _cue_response(CueOut.stored(await update_cue.execute(actor, cmd)))

    @delete(
        "/cues/{cue_id:uuid}",
        summary="Delete a cue (editor or owner, If-Match); it stays as a tombstone in the changes feed",
        responses=problem_responses(401, 403, 404, 412),
    )
    async def delete_cue(
        self,
        actor: NamedDependency[Actor],
        track_id: FromPath[UUID],
        cue_id: FromPath[UUID],
        delete_cue: NamedDependency[DeleteCue],
        if_match: IfMatch = None,
    ) -> None:
        await delete_cue.execute(actor, track_id, cue_id, expected_version=expected_version(if_match))


class SyncController(Controller):
    """Mounted on a router whose body limit is the upload limit: 5 000 changes do not fit 1 MiB of JSON."""

    path = "/api/v1/tracks/{track_id:uuid}"
    tags = ["sync"]

    @post(
        "/sync",
        summary="Push offline changes (Idempotency-Key required, at most 5000, all-or-nothing validation)",
        description=(
            "Last-write-wins on `updated_at`; on a tie a deletion beats an edit, then the larger SHA-256 of the "
            "cue's content wins. `cursor` (optional) is the cursor of your last pull; the answer's cursor is "
            "where to pull next."
        ),
        status_code=200,
        opt=IDEMPOTENCY_REQUIRED,
        responses=problem_responses(400, 401, 403, 404, 409, 413, 422),
    )
    async def push_changes(
        self,
        actor: NamedDependency[Actor],
        track_id: FromPath[UUID],
        data: JSONBody[SyncIn],
        push_changes: NamedDependency[PushChanges],
    ) -> Envelope[SyncOut]:
        changes = await off_loop(small(len(data.changes)), _changes, data.changes)
        result = await push_changes.execute(actor, track_id, changes, since=_since(data.cursor))
        out = SyncOut(
            applied=result.applied,
            rejected=[RejectionOut.of(r) for r in result.rejected],
            cursor=encode_cursor(result.cursor),
        )
        return Envelope(data=out)

    @get(
        "/changes",
        summary="Every change since the cursor, deletions as tombstones",
        responses=problem_responses(400, 401, 404),
    )
    async def pull_changes(
        self,
        actor: NamedDependency[Actor],
        track_id: FromPath[UUID],
        pull_changes: NamedDependency[PullChanges],
        cursor: Cursor = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_CHANGES_PAGE)] = 1000,
    ) -> Envelope[ChangesOut]:
        page = await pull_changes.execute(actor, track_id, since=_since(cursor) or 0, limit=limit)
        out = ChangesOut(
            changes=[ChangeOut.change(c) for c in page.changes],
            cursor=encode_cursor(page.cursor),
            has_more=page.has_more,
        )
        return Envelope(data=out, meta={"limit": limit, "has_more": page.has_more})


def _changes(items: list[ChangeIn]) -> list[CueChange]:
    """Domain changes, or one 422 naming every change that cannot even be built."""
    changes: list[CueChange] = []
    errors: list[FieldError] = []
    for index, item in enumerate(items):
        try:
            voice = (
                item.voice if isinstance(item.voice, msgspec.UnsetType) or item.voice is None else item.voice.to_ref()
            )
            changes.append(
                CueChange(
                    id=item.id,
                    updated_at=item.updated_at,
                    start_ms=item.start_ms,
                    end_ms=item.end_ms,
                    text=item.text,
                    voice=voice,
                    speaker=item.speaker,
                    spoken=item.spoken,
                    deleted=item.deleted,
                )
            )
        except InvariantViolated as exc:
            errors.append(FieldError(f"changes[{index}].{exc.field or 'change'}", exc.message))
    if errors:
        raise InvalidInput(f"{len(errors)} change(s) are invalid", errors, code="invalid_changes")
    return changes
