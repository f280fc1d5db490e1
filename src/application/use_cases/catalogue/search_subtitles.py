"""Search subtitles to import (OpenSubtitles)."""

from __future__ import annotations

import re

from application.actor import Actor
from application.errors import FieldError, InvalidInput, ProviderDisabled
from application.ports.catalog import SubtitleCatalog, SubtitleQuery, SubtitleSearchResult

LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z]{2,4})?$")  # OpenSubtitles codes: "en", "pt-br", "zh-cn"
IMDB_ID = re.compile(r"^(tt)?0*(\d{1,10})$")
MAX_QUERY_CHARS = 200
MAX_PAGE = 100
MAX_LANGUAGES = 10


def parse_imdb_id(raw: str | None) -> int | None:
    if raw is None or not raw.strip():
        return None
    match = IMDB_ID.match(raw.strip().lower())
    if match is None:
        raise InvalidInput("invalid imdb_id", [FieldError("imdb_id", "expected digits, optionally prefixed by tt")])
    return int(match.group(2))


def parse_languages(raw: str | None) -> tuple[str, ...]:
    languages = tuple(sorted({part.strip().lower() for part in (raw or "").split(",") if part.strip()}))
    bad = [lang for lang in languages if not LANGUAGE.match(lang)]
    if bad:
        raise InvalidInput("invalid languages", [FieldError("languages", f"not a language code: {', '.join(bad)}")])
    if len(languages) > MAX_LANGUAGES:
        raise InvalidInput("too many languages", [FieldError("languages", f"at most {MAX_LANGUAGES}")])
    return languages


class SearchSubtitles:
    def __init__(self, catalog: SubtitleCatalog | None) -> None:
        self._catalog = catalog

    async def execute(
        self,
        actor: Actor,
        *,
        query: str | None = None,
        imdb_id: str | None = None,
        languages: str | None = None,
        page: int = 1,
    ) -> SubtitleSearchResult:
        if self._catalog is None:
            raise ProviderDisabled("opensubtitles")
        text = (query or "").strip() or None
        errors: list[FieldError] = []
        if text is not None and len(text) > MAX_QUERY_CHARS:
            errors.append(FieldError("query", f"at most {MAX_QUERY_CHARS} characters"))
        if not 1 <= page <= MAX_PAGE:
            errors.append(FieldError("page", f"between 1 and {MAX_PAGE}"))
        if errors:
            raise InvalidInput("invalid search", errors)
        search = SubtitleQuery(
            query=text, imdb_id=parse_imdb_id(imdb_id), languages=parse_languages(languages), page=page
        )
        if search.query is None and search.imdb_id is None:
            raise InvalidInput("give a query or an imdb_id", [FieldError("query", "query or imdb_id is required")])
        return await self._catalog.search(search)
