"""Keep the clip cache within its size budget (run hourly by the worker and by `subdub cache prune`)."""

from __future__ import annotations

import asyncio

from application.ports.clip_cache import ClipCachePruner, PruneReport

# A render reads its clips back while mixing, minutes after writing them: never remove a clip that recent.
KEEP_RECENT_S = 3600.0


class PruneClipCache:
    def __init__(self, pruner: ClipCachePruner, max_bytes: int) -> None:
        self._pruner = pruner
        self._max_bytes = max_bytes

    async def execute(self, *, max_bytes: int | None = None) -> PruneReport:
        budget = self._max_bytes if max_bytes is None else max_bytes
        return await asyncio.to_thread(self._pruner.prune, max_bytes=budget, keep_newer_than_s=KEEP_RECENT_S)
