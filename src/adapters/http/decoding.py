"""Typed decoding of provider JSON: anything unexpected becomes `provider_bad_response`, never a crash."""

from __future__ import annotations

from typing import TypeVar

import msgspec

from adapters.http.client import HttpResponse, ResilientHttpClient
from application.errors import ProviderBadResponse

T = TypeVar("T")


class ErrorDetail(msgspec.Struct):
    code: int | str | None = None
    message: str | None = None
    type: str | None = None


class ErrorEnvelope(msgspec.Struct):
    """The error body most JSON APIs answer with: `{"error": {"message", "type", "code"}}`, `{"error": "text"}`
    or, from FastAPI-style servers, `{"detail": "text"}`."""

    error: ErrorDetail | str | None = None
    detail: str | None = None

    @property
    def kind(self) -> str | None:
        return self.error.type if isinstance(self.error, ErrorDetail) else None

    @property
    def message(self) -> str | None:
        if isinstance(self.error, ErrorDetail):
            return self.error.message or self.detail
        return self.error or self.detail


def decode_json(client: ResilientHttpClient, response: HttpResponse, into: type[T]) -> T:
    if "json" not in response.content_type:
        client.last_error = f"bad_response: content type {response.content_type or 'missing'}"
        raise ProviderBadResponse(
            client.provider,
            f"{client.provider} answered {response.status} with {response.content_type or 'no content type'}, not JSON",
        )
    try:
        return msgspec.json.decode(response.body, type=into)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        client.last_error = "bad_response: malformed JSON"
        raise ProviderBadResponse(
            client.provider, f"{client.provider} answered {response.status} with unreadable JSON ({exc})"
        ) from None


def try_decode_json(response: HttpResponse, into: type[T]) -> T | None:
    """For error envelopes: a provider's error body is informative when it parses, optional when it does not."""
    try:
        return msgspec.json.decode(response.body, type=into)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
