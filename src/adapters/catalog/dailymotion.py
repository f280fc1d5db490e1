"""Dailymotion Data API: video metadata for projects (`VideoCatalog`)."""

from __future__ import annotations

import re

import msgspec

from adapters.cache.keys import cache_key
from adapters.http.client import HttpResponse, ResilientHttpClient
from adapters.http.decoding import ErrorEnvelope, decode_json, try_decode_json
from application.errors import NotFound, ProviderBadResponse
from application.ports.cache import Cache
from application.ports.catalog import VideoMetadata

PROVIDER = "dailymotion"
FIELDS = "id,title,duration,language,thumbnail_url"  # always explicit: the default field set lacks duration
VIDEO_ID = re.compile(r"^[A-Za-z0-9]{1,32}$")
DEFAULT_TTL_S = 900.0
MAX_TTL_S = 86_400.0
NOT_FOUND_TTL_S = 60.0
_NOT_FOUND = b"\x00not_found"
_MAX_AGE = re.compile(r"max-age=(\d+)")


class _Video(msgspec.Struct):
    id: str
    title: str
    duration: int
    language: str | None = None
    thumbnail_url: str | None = None


def cache_ttl_s(cache_control: str | None) -> float:
    """TTL from `Cache-Control: max-age` (capped at a day); no-store/no-cache/private → not cached."""
    value = (cache_control or "").lower()
    if any(token in value for token in ("no-store", "no-cache", "private")):
        return 0.0
    match = _MAX_AGE.search(value)
    if match is None:
        return DEFAULT_TTL_S
    return min(float(match.group(1)), MAX_TTL_S)


class DailymotionVideoCatalog:
    provider = PROVIDER

    def __init__(self, client: ResilientHttpClient, cache: Cache) -> None:
        self.client = client
        self._cache = cache

    async def video(self, video_id: str) -> VideoMetadata:
        if not VIDEO_ID.match(video_id):
            raise NotFound("video", video_id)
        key = cache_key("dailymotion.video", id=video_id, fields=FIELDS)
        cached = await self._cache.get(key)
        if cached == _NOT_FOUND:
            raise NotFound("video", video_id)
        if cached is not None:
            return msgspec.json.decode(cached, type=VideoMetadata)
        response = await self.client.request("GET", f"/video/{video_id}", params={"fields": FIELDS})
        if response.status != 200:
            await self._raise_for(response, video_id, key)
        video = decode_json(self.client, response, _Video)
        metadata = VideoMetadata(
            provider=PROVIDER,
            id=video.id,
            title=video.title,
            duration_ms=max(0, video.duration) * 1000,
            language=video.language or None,
            thumbnail_url=video.thumbnail_url or None,
        )
        await self._cache.set(
            key, msgspec.json.encode(metadata), ttl_s=cache_ttl_s(response.headers.get("cache-control"))
        )
        return metadata

    async def _raise_for(self, response: HttpResponse, video_id: str, key: str) -> None:
        envelope = try_decode_json(response, ErrorEnvelope)
        kind = envelope.kind if envelope else None
        # Unknown, private, deleted or geo-blocked: from the caller's view the video does not exist.
        if response.status in (403, 404, 410) or kind in ("not_found", "access_forbidden"):
            await self._cache.set(key, _NOT_FOUND, ttl_s=NOT_FOUND_TTL_S)
            raise NotFound("video", video_id)
        message = (envelope.message if envelope else None) or f"status {response.status}"
        self.client.last_error = f"bad_response: {response.status}"
        raise ProviderBadResponse(PROVIDER, f"dailymotion refused the lookup: {message}")
