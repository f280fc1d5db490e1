"""Failures of one HTTP attempt, classified for the retry and breaker policies."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal

import httpx

TransientKind = Literal["timeout", "connect_error", "rate_limited", "server_error"]


class TransientHttpError(Exception):
    """Worth retrying: the same request may succeed later."""

    def __init__(
        self, kind: TransientKind, detail: str, *, status: int | None = None, retry_after_s: float | None = None
    ):
        super().__init__(detail)
        self.kind = kind
        self.status = status
        self.retry_after_s = retry_after_s


class OversizedResponseError(Exception):
    """The body exceeded the size limit; reading stopped there."""


def retry_after_seconds(headers: httpx.Headers, *, now: datetime | None = None) -> float | None:
    """`Retry-After` (seconds or HTTP date), else `RateLimit-Reset` (seconds), else None."""
    raw = headers.get("retry-after")
    if raw:
        raw = raw.strip()
        if raw.isdigit():
            return float(raw)
        try:
            when = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
    reset = (headers.get("ratelimit-reset") or "").strip()
    if reset.isdigit():
        value = float(reset)
        if value > 1_000_000_000:  # some providers send an epoch instead of a delta
            return max(0.0, value - (now or datetime.now(UTC)).timestamp())
        return value
    return None
