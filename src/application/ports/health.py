from __future__ import annotations

from typing import Literal, Protocol

import msgspec

CheckStatus = Literal["ok", "degraded", "down", "disabled"]


class CheckResult(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    status: CheckStatus
    latency_ms: float | None = None
    detail: str | None = None
    breaker: str | None = None


class HealthProbe(Protocol):
    """One dependency the service can report on; `critical` probes make readiness fail."""

    name: str
    critical: bool

    async def check(self) -> CheckResult: ...
