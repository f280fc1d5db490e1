"""Readiness of the blob store: artifacts and the shared clip cache depend on it, the API does not."""

from __future__ import annotations

import time

from application.errors import DependencyUnavailable
from application.ports.blobs import BlobStore
from application.ports.health import CheckResult


class BlobStoreHealthProbe:
    name = "storage"
    critical = False  # without it downloads and renders wait (503, retried); projects and cues still work

    def __init__(self, store: BlobStore, location: str) -> None:
        self._store, self._location = store, location

    async def check(self) -> CheckResult:
        started = time.perf_counter()
        try:
            await self._store.check()
        except DependencyUnavailable as exc:
            return CheckResult(status="down", detail=f"{self._location}: {exc.detail}")
        return CheckResult(
            status="ok", latency_ms=round((time.perf_counter() - started) * 1000, 1), detail=self._location
        )
