"""OpenSubtitles REST API wire shapes (only the fields subdub reads) and the canonical search form."""

from __future__ import annotations

from datetime import datetime

import msgspec

from application.ports.catalog import SubtitleHit, SubtitleQuery

PROVIDER = "opensubtitles"


class File(msgspec.Struct):
    file_id: int
    file_name: str | None = None


class FeatureDetails(msgspec.Struct):
    title: str | None = None
    movie_name: str | None = None


class Attributes(msgspec.Struct):
    language: str | None = None
    download_count: int = 0
    hearing_impaired: bool = False
    fps: float | None = None
    upload_date: datetime | None = None
    release: str | None = None
    feature_details: FeatureDetails | None = None
    files: list[File] = msgspec.field(default_factory=list)


class Item(msgspec.Struct):
    attributes: Attributes
    id: str | None = None


class SearchPage(msgspec.Struct):
    data: list[Item]
    total_pages: int = 0
    total_count: int = 0
    page: int = 1


class Login(msgspec.Struct):
    token: str


class Download(msgspec.Struct):
    link: str
    file_name: str | None = None
    remaining: int | None = None
    reset_time_utc: datetime | None = None


class QuotaError(msgspec.Struct):
    message: str | None = None
    remaining: int | None = None
    reset_time_utc: datetime | None = None


class Message(msgspec.Struct):
    message: str | None = None


def canonical_params(query: SubtitleQuery) -> dict[str, str]:
    """Parameters sorted by name, values lower case, defaults omitted: the API answers 301 to any other form."""
    params: dict[str, str] = {}
    if query.imdb_id is not None:
        params["imdb_id"] = str(query.imdb_id)
    languages = sorted({lang.strip().lower() for lang in query.languages if lang.strip()})
    if languages:
        params["languages"] = ",".join(languages)
    if query.page > 1:
        params["page"] = str(query.page)
    if query.query and query.query.strip():
        params["query"] = " ".join(query.query.lower().split())
    return dict(sorted(params.items()))


def hits_of(page: SearchPage) -> tuple[SubtitleHit, ...]:
    """One hit per downloadable file (multi-CD subtitles have several)."""
    hits: list[SubtitleHit] = []
    for item in page.data:
        attrs = item.attributes
        details = attrs.feature_details
        title = (details.movie_name or details.title) if details else None
        for file in attrs.files:
            hits.append(
                SubtitleHit(
                    provider=PROVIDER,
                    file_id=file.file_id,
                    language=attrs.language,
                    release=attrs.release,
                    download_count=attrs.download_count,
                    fps=attrs.fps or None,
                    uploaded_at=attrs.upload_date,
                    file_name=file.file_name,
                    hearing_impaired=attrs.hearing_impaired,
                    title=title,
                )
            )
    return tuple(hits)
