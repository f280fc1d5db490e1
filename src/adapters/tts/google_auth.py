"""Credentials for Google Cloud TTS: an API key, or a service account whose OAuth tokens google-auth mints.

Some projects refuse API keys ("API keys are not supported by this API", see the recorded 401), so a
service-account JSON (`GOOGLE_APPLICATION_CREDENTIALS`) is the robust choice. google-auth is
synchronous; its token exchange runs in a thread through a small httpx-backed transport (so no
`requests` dependency), under a lock, and is redone five minutes before the token expires.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import httpx
from google.auth import exceptions as google_exceptions
from google.auth import transport as google_transport
from google.oauth2 import service_account

from application.errors import ProviderAuthFailed, ProviderUnavailable

PROVIDER = "google_tts"
SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
REFRESH_MARGIN = timedelta(minutes=5)


class GoogleCredentials(Protocol):
    renewable: bool  # True when a 401 may be cured by minting a new token

    async def headers(self) -> dict[str, str]: ...

    def forget_token(self) -> None: ...


class ApiKeyCredentials:
    renewable = False

    def __init__(self, api_key: str) -> None:
        self._api_key = api_key

    async def headers(self) -> dict[str, str]:
        return {"X-Goog-Api-Key": self._api_key}  # a header, so the key never appears in a URL or a log

    def forget_token(self) -> None:
        return None


class _HttpxResponse(google_transport.Response):
    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    @property
    def status(self) -> int:
        return self._response.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        return self._response.headers

    @property
    def data(self) -> bytes:
        return self._response.content


class _HttpxRequest(google_transport.Request):
    def __init__(self, timeout_s: float) -> None:
        self._timeout_s = timeout_s

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> google_transport.Response:
        try:
            with httpx.Client(timeout=timeout or self._timeout_s) as client:
                return _HttpxResponse(client.request(method, url, content=body, headers=dict(headers or {})))
        except httpx.HTTPError as exc:
            raise google_exceptions.TransportError(type(exc).__name__) from exc  # type: ignore[no-untyped-call]


class ServiceAccountCredentials:
    renewable = True

    def __init__(self, credentials_file: str, *, timeout_s: float = 10.0) -> None:
        self._credentials = service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
            credentials_file, scopes=SCOPES
        )
        self._request = _HttpxRequest(timeout_s)
        self._lock = asyncio.Lock()

    def _fresh(self) -> bool:
        expiry = self._credentials.expiry  # naive UTC in google-auth
        if not self._credentials.token or expiry is None:
            return False
        return bool(expiry.replace(tzinfo=UTC) - datetime.now(UTC) > REFRESH_MARGIN)

    async def headers(self) -> dict[str, str]:
        async with self._lock:
            if not self._fresh():
                try:
                    await asyncio.to_thread(self._credentials.refresh, self._request)
                except google_exceptions.RefreshError as exc:
                    raise ProviderAuthFailed(PROVIDER, f"Google refused the service account ({exc})") from None
                except google_exceptions.TransportError:
                    raise ProviderUnavailable(PROVIDER, "Google's token endpoint did not answer") from None
            return {"Authorization": f"Bearer {self._credentials.token}"}

    def forget_token(self) -> None:
        """After a 401 the token is dead whatever its expiry says."""
        self._credentials.token = None
