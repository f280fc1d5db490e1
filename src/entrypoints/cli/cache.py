"""`subdub cache prune`: keep the synthesized-clip cache within its size budget (no database needed)."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from entrypoints.runtime import bootstrap


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("cache", help="manage the synthesized-clip cache")
    actions = parser.add_subparsers(dest="action", required=True)
    prune = actions.add_parser("prune", help="remove least recently used clips beyond the size budget")
    prune.add_argument("--max-mb", type=int, help="budget in MiB (default: SUBDUB_CLIP_CACHE_MB)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.max_mb is not None and args.max_mb < 0:
        print("subdub: --max-mb must be 0 or more")
        return 2
    container = bootstrap(needs_database=False).container
    budget = None if args.max_mb is None else args.max_mb * 1024 * 1024
    report = asyncio.run(container.prune_clip_cache().execute(max_bytes=budget))
    print(
        f"removed {report.removed} cache files ({report.freed_bytes / 1e6:.1f} MB); "
        f"kept {report.kept} ({report.kept_bytes / 1e6:.1f} MB)"
    )
    return 0
