"""A project's pronunciation lexicon (API.md: GET / PUT /api/v1/projects/{project_id}/lexicon)."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Response, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from application.actor import Actor
from application.ports.lexicons import StoredLexicon
from application.use_cases.subtitles.lexicon import GetLexicon, PutLexicon
from domain.lexicon import MAX_ENTRIES, MAX_MATCH_CHARS, MAX_REPLACE_CHARS, Lexicon, LexiconEntry
from entrypoints.http.controllers.projects import IfMatch
from entrypoints.http.errors import problem_responses
from entrypoints.http.schemas import Envelope
from entrypoints.http.versioning import etag, expected_version


class LexiconEntryIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    match: Annotated[str, msgspec.Meta(max_length=MAX_MATCH_CHARS)]
    replace: Annotated[str, msgspec.Meta(max_length=MAX_REPLACE_CHARS)]
    kind: Literal["text", "ipa"] = "text"
    case_sensitive: bool = False
    whole_word: bool = True


class LexiconIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    entries: Annotated[list[LexiconEntryIn], msgspec.Meta(max_length=MAX_ENTRIES)]

    def lexicon(self) -> Lexicon:
        """Validated by the domain (422 naming the entry)."""
        return Lexicon(entries=tuple(LexiconEntry(**msgspec.structs.asdict(entry)) for entry in self.entries))


class LexiconOut(msgspec.Struct, kw_only=True):
    entries: tuple[LexiconEntry, ...]
    version: int


def _answer(stored: StoredLexicon) -> Response[Envelope[LexiconOut]]:
    out = LexiconOut(entries=stored.lexicon.entries, version=stored.version)
    return Response(Envelope(data=out), headers={"ETag": etag(stored.version)})


class LexiconController(Controller):
    path = "/api/v1/projects/{project_id:uuid}/lexicon"
    tags = ["projects"]

    @get("/", summary="The project's pronunciation lexicon (ETag)", responses=problem_responses(401, 404))
    async def get_lexicon(
        self, actor: NamedDependency[Actor], project_id: FromPath[UUID], get_lexicon: NamedDependency[GetLexicon]
    ) -> Response[Envelope[LexiconOut]]:
        return _answer(await get_lexicon.execute(actor, project_id))

    @put(
        "/",
        summary="Replace the project's lexicon (editor or owner; If-Match once one exists; audited)",
        responses=problem_responses(400, 401, 403, 404, 412, 413, 422),
    )
    async def put_lexicon(
        self,
        actor: NamedDependency[Actor],
        project_id: FromPath[UUID],
        data: JSONBody[LexiconIn],
        put_lexicon: NamedDependency[PutLexicon],
        if_match: IfMatch = None,
    ) -> Response[Envelope[LexiconOut]]:
        stored = await put_lexicon.execute(
            actor, project_id, data.lexicon(), expected_version=expected_version(if_match)
        )
        return _answer(stored)
