"""External catalogues: subtitles to import (OpenSubtitles) and video metadata (Dailymotion)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import msgspec


class SubtitleQuery(msgspec.Struct, frozen=True, kw_only=True):
    query: str | None = None
    imdb_id: int | None = None
    languages: tuple[str, ...] = ()  # ISO 639-1 codes, lower case
    page: int = 1


class SubtitleHit(msgspec.Struct, frozen=True, kw_only=True):
    provider: str
    file_id: int
    language: str | None
    release: str | None
    download_count: int
    fps: float | None
    uploaded_at: datetime | None
    file_name: str | None = None
    hearing_impaired: bool = False
    title: str | None = None


class SubtitleSearchResult(msgspec.Struct, frozen=True, kw_only=True):
    hits: tuple[SubtitleHit, ...]
    page: int
    total_pages: int
    total_count: int


class DownloadedSubtitleFile(msgspec.Struct, frozen=True, kw_only=True):
    """The raw file as the provider serves it; the subtitle codec decodes and parses it."""

    file_id: int
    file_name: str
    content: bytes


class DownloadQuota(msgspec.Struct, frozen=True, kw_only=True):
    remaining: int | None
    reset_at: datetime | None


class SubtitleCatalog(Protocol):
    provider: str

    async def search(self, query: SubtitleQuery) -> SubtitleSearchResult: ...

    async def download(self, file_id: int) -> DownloadedSubtitleFile:
        """Raises NotFound for an unknown file, ProviderQuotaExhausted (with the reset time) when spent."""
        ...

    def quota(self) -> DownloadQuota | None:
        """The last download quota the provider reported, if any."""
        ...


class VideoMetadata(msgspec.Struct, frozen=True, kw_only=True):
    provider: str
    id: str
    title: str
    duration_ms: int
    language: str | None = None
    thumbnail_url: str | None = None


class VideoCatalog(Protocol):
    provider: str

    async def video(self, video_id: str) -> VideoMetadata:
        """Raises NotFound for an unknown (or private, or deleted) video."""
        ...
