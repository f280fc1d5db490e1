"""`subdub videos refresh`: fill in the metadata of project videos created while the provider was down."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("videos", help="project videos (Dailymotion metadata)")
    actions = parser.add_subparsers(dest="videos_action", required=True)
    refresh = actions.add_parser("refresh", help="look up every project video still `pending` (run it from cron)")
    refresh.add_argument("--limit", type=int, default=100, help="at most this many projects per run (default 100)")
    refresh.set_defaults(handler=run)


async def _refresh(limit: int) -> int:
    from entrypoints.wiring import bootstrap, running  # imported on use: `--help` stays fast

    async with running(bootstrap().container, wait_for_database=True) as container:
        report = await container.catalogue.refresh_pending_videos().execute(limit=max(1, limit))
    print(f"filled: {report.filled}, not found: {report.not_found}, still pending: {report.still_pending}")
    return 0


def run(args: argparse.Namespace) -> int:
    return asyncio.run(_refresh(args.limit))
