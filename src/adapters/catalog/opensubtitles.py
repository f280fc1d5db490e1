"""OpenSubtitles REST API (`SubtitleCatalog`): search, login, download with quota tracking."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from urllib.parse import urlencode

import msgspec

from adapters.cache.keys import cache_key
from adapters.catalog import opensubtitles_wire as wire
from adapters.http.client import HttpResponse, ResilientHttpClient
from adapters.http.decoding import decode_json, try_decode_json
from adapters.http.resilience import SlidingWindowLimiter
from application.errors import (
    InvalidInput,
    NotFound,
    ProviderAuthFailed,
    ProviderBadResponse,
    ProviderQuotaExhausted,
)
from application.ports.cache import Cache
from application.ports.catalog import DownloadedSubtitleFile, DownloadQuota, SubtitleQuery, SubtitleSearchResult

PROVIDER = wire.PROVIDER
SEARCH_TTL_S = 3600.0
FILE_TTL_S = 30 * 86_400.0  # files never change; kept until the cache's size budget pushes them out
TOKEN_LIFETIME_S = 23 * 3600.0  # tokens last 24 h; renewed earlier, and once more on any 401
MAX_FILE_BYTES = 5 * 1024 * 1024


class _CachedFile(msgspec.Struct):
    file_name: str
    content: bytes


class OpenSubtitlesCatalog:
    provider = PROVIDER

    def __init__(
        self,
        client: ResilientHttpClient,
        cache: Cache,
        *,
        api_key: str,
        user_agent: str,
        username: str | None = None,
        password: str | None = None,
        login_limiter: SlidingWindowLimiter | None = None,
        api_limiter: SlidingWindowLimiter | None = None,
    ) -> None:
        self.client = client
        self._cache = cache
        self._api_key = api_key
        self._user_agent = user_agent
        self._credentials = (username, password) if username and password else None
        self._login_limiter = login_limiter or SlidingWindowLimiter(1, 1.0)
        self._api_limiter = api_limiter or SlidingWindowLimiter(5, 1.0)
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._login_lock = asyncio.Lock()
        self._quota: DownloadQuota | None = None

    def quota(self) -> DownloadQuota | None:
        return self._quota

    async def search(self, query: SubtitleQuery) -> SubtitleSearchResult:
        params = wire.canonical_params(query)
        if not any(k in params for k in ("query", "imdb_id")):
            raise InvalidInput("give a query or an imdb_id to search subtitles")
        key = cache_key("opensubtitles.search", **params)
        cached = await self._cache.get(key)
        if cached is not None:
            return msgspec.json.decode(cached, type=SubtitleSearchResult)
        # Built by hand so the comma in `languages=en,fr` stays literal, as in the API's canonical URLs.
        url = "/subtitles?" + urlencode(params, safe=",")
        response = await self.client.request("GET", url, headers=self._headers(), limiter=self._api_limiter)
        if response.status != 200:
            self._raise_for(response, what="search")
        page = decode_json(self.client, response, wire.SearchPage)
        result = SubtitleSearchResult(
            hits=wire.hits_of(page), page=page.page, total_pages=page.total_pages, total_count=page.total_count
        )
        await self._cache.set(key, msgspec.json.encode(result), ttl_s=SEARCH_TTL_S)
        return result

    async def download(self, file_id: int) -> DownloadedSubtitleFile:
        key = cache_key("opensubtitles.file", file_id=file_id)
        cached = await self._cache.get(key)
        if cached is not None:
            hit = msgspec.json.decode(cached, type=_CachedFile)
            return DownloadedSubtitleFile(file_id=file_id, file_name=hit.file_name, content=hit.content)
        link = await self._download_link(file_id)
        response = await self.client.request(
            "GET", link.link, headers={"User-Agent": self._user_agent}, max_body_bytes=MAX_FILE_BYTES
        )
        if response.status != 200 or "json" in response.content_type or "html" in response.content_type:
            self.client.last_error = f"bad_response: file link answered {response.status}"
            raise ProviderBadResponse(PROVIDER, f"the download link answered {response.status} {response.content_type}")
        name = link.file_name or f"{file_id}.srt"
        await self._cache.set(key, msgspec.json.encode(_CachedFile(name, response.body)), ttl_s=FILE_TTL_S)
        return DownloadedSubtitleFile(file_id=file_id, file_name=name, content=response.body)

    async def _download_link(self, file_id: int) -> wire.Download:
        for renewed in (False, True):
            headers = self._headers(token=await self._ensure_token(force=renewed))
            response = await self.client.request(
                "POST", "/download", json={"file_id": file_id}, headers=headers, limiter=self._api_limiter
            )
            if response.status == 401 and self._credentials and not renewed:
                continue  # the token expired early or was revoked: log in again, once
            if response.status != 200:
                self._raise_for(response, what="download", file_id=file_id)
            link = decode_json(self.client, response, wire.Download)
            self._quota = DownloadQuota(remaining=link.remaining, reset_at=link.reset_time_utc)
            return link
        raise AssertionError("unreachable")  # pragma: no cover

    async def _ensure_token(self, *, force: bool = False) -> str | None:
        if self._credentials is None:
            return None
        async with self._login_lock:
            if self._token and not force and time.monotonic() < self._token_expires_at:
                return self._token
            username, password = self._credentials
            response = await self.client.request(
                "POST",
                "/login",
                json={"username": username, "password": password},
                headers=self._headers(),
                limiter=self._login_limiter,
            )
            if response.status != 200:
                self._token = None
                self._raise_for(response, what="login")
            self._token = decode_json(self.client, response, wire.Login).token
            self._token_expires_at = time.monotonic() + TOKEN_LIFETIME_S
            return self._token

    def _headers(self, *, token: str | None = None) -> dict[str, str]:
        headers = {"Api-Key": self._api_key, "User-Agent": self._user_agent, "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def _raise_for(self, response: HttpResponse, *, what: str, file_id: int | None = None) -> None:
        status = response.status
        message = try_decode_json(response, wire.Message)
        detail = (message.message or "").strip() if message else ""
        self.client.last_error = f"{what}: {status}"
        if status == 406:
            quota = try_decode_json(response, wire.QuotaError)
            reset_at = quota.reset_time_utc if quota else None
            self._quota = DownloadQuota(remaining=0, reset_at=reset_at)
            retry_after = max(60, int((reset_at - datetime.now(UTC)).total_seconds())) if reset_at else 3600
            reset_text = reset_at.isoformat().replace("+00:00", "Z") if reset_at else None
            raise ProviderQuotaExhausted(
                PROVIDER,
                f"OpenSubtitles download quota exhausted; it resets at {reset_text or 'an unknown time'}",
                reset_at=reset_text,
                retry_after_s=retry_after,
            )
        if status in (401, 403):
            raise ProviderAuthFailed(PROVIDER, f"OpenSubtitles refused our credentials ({what}, {status})")
        if status in (404, 410) and file_id is not None:
            raise NotFound("subtitle file", file_id)
        if status in (400, 422):
            raise InvalidInput(f"OpenSubtitles refused the {what}: {detail or 'invalid parameters'}")
        raise ProviderBadResponse(PROVIDER, f"OpenSubtitles answered {status} to the {what}")
