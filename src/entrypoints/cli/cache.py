"""`subdub cache prune`: keep the synthesized-clip cache within its size budget (no database needed)."""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from application.ports.clip_cache import PruneReport
    from application.use_cases.prune_clip_cache import PruneClipCache


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("cache", help="manage the synthesized-clip cache")
    actions = parser.add_subparsers(dest="action", required=True)
    prune = actions.add_parser("prune", help="remove least recently used clips beyond the size budget")
    prune.add_argument("--max-mb", type=int, help="budget in MiB (default: SUBDUB_CLIP_CACHE_MB)")
    parser.set_defaults(handler=run)


async def _prune(budget: int | None) -> PruneReport:
    from entrypoints.wiring import bootstrap, running  # imported on use: `--help` stays fast

    async with running(bootstrap(needs_database=False).container, database=False) as container:
        use_case: PruneClipCache = container.voice.prune_clip_cache()
        return await use_case.execute(max_bytes=budget)


def run(args: argparse.Namespace) -> int:
    if args.max_mb is not None and args.max_mb < 0:
        print("subdub: --max-mb must be 0 or more")
        return 2
    budget = None if args.max_mb is None else args.max_mb * 1024 * 1024
    report = asyncio.run(_prune(budget))
    print(
        f"removed {report.removed} cache files ({report.freed_bytes / 1e6:.1f} MB); "
        f"kept {report.kept} ({report.kept_bytes / 1e6:.1f} MB)"
    )
    return 0
