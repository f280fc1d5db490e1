"""Readiness of an external provider, from its breaker and last error: no outbound call (quotas are precious)."""

from __future__ import annotations

from collections.abc import Callable

from adapters.http.client import ResilientHttpClient
from application.ports.catalog import DownloadQuota
from application.ports.health import CheckResult


class ProviderHealthProbe:
    critical = False  # a provider being down degrades one feature, never the service (S-EXT-3)

    def __init__(
        self,
        name: str,
        client: ResilientHttpClient | None,
        quota: Callable[[], DownloadQuota | None] | None = None,
    ) -> None:
        self.name = name
        self._client = client
        self._quota = quota

    async def check(self) -> CheckResult:
        if self._client is None:
            return CheckResult(status="disabled", detail="not configured")
        breaker = self._client.breaker.state
        details = []
        if self._client.last_error:
            details.append(f"last error: {self._client.last_error}")
        quota = self._quota() if self._quota else None
        if quota is not None:
            reset = quota.reset_at.isoformat().replace("+00:00", "Z") if quota.reset_at else "unknown"
            details.append(f"downloads remaining: {quota.remaining}, resets at {reset}")
        status = {"closed": "ok", "half_open": "degraded", "open": "down"}[breaker]
        return CheckResult(status=status, breaker=breaker, detail="; ".join(details) or None)  # type: ignore[arg-type]
