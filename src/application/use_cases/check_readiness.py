from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Literal

import msgspec

from application.ports.health import CheckResult, HealthProbe

OverallStatus = Literal["ok", "degraded", "down"]


class ReadinessReport(msgspec.Struct, frozen=True, kw_only=True):
    status: OverallStatus
    checks: dict[str, CheckResult]


class CheckReadiness:
    """Asks every dependency at once; only critical ones (database, queue) can make the service `down`."""

    def __init__(self, probes: Sequence[HealthProbe], *, timeout_s: float = 3.0) -> None:
        self._probes = list(probes)
        self._timeout_s = timeout_s

    async def execute(self) -> ReadinessReport:
        results = await asyncio.gather(*(self._one(p) for p in self._probes))
        checks = {probe.name: result for probe, result in zip(self._probes, results, strict=True)}
        status: OverallStatus = "ok"
        for probe, result in zip(self._probes, results, strict=True):
            if result.status == "down" and probe.critical:
                return ReadinessReport(status="down", checks=checks)
            if result.status in ("down", "degraded"):
                status = "degraded"
        return ReadinessReport(status=status, checks=checks)

    async def _one(self, probe: HealthProbe) -> CheckResult:
        try:
            return await asyncio.wait_for(probe.check(), timeout=self._timeout_s)
        except TimeoutError:
            return CheckResult(status="down", detail="timed out")
