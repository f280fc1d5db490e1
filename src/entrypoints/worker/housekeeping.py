"""Per-machine upkeep a worker runs beside its jobs.

The clip cache lives on each machine's own disk, so every worker prunes its own data directory
(a queue-wide periodic job would run on one machine only).
"""

from __future__ import annotations

import asyncio

import msgspec
import psycopg
import structlog

from application.errors import DependencyUnavailable
from application.use_cases.prune_clip_cache import PruneClipCache
from application.use_cases.purge_project_blobs import PurgeProjectBlobs

log = structlog.get_logger(__name__)


async def prune_clip_cache_forever(prune: PruneClipCache, *, every_s: float) -> None:
    while True:
        try:
            report = await prune.execute()
            if report.removed:
                log.info("clip_cache.pruned", removed=report.removed, freed_bytes=report.freed_bytes, kept=report.kept)
        except OSError as exc:  # a disk error must not stop the worker; the next round tries again
            log.warning("clip_cache.prune_failed", error=type(exc).__name__)
        await asyncio.sleep(every_s)


async def purge_project_blobs_forever(purge: PurgeProjectBlobs, *, every_s: float) -> None:
    """Deleted projects' files leave the blob store; every worker sweeps (deletes are idempotent)."""
    while True:
        try:
            report = await purge.execute()
            if report.projects or report.postponed:
                log.info("blobs.purged", **msgspec.to_builtins(report))
        except (DependencyUnavailable, OSError, psycopg.Error) as exc:  # the next round tries again
            log.warning("blobs.purge_failed", error=type(exc).__name__)
        await asyncio.sleep(every_s)
