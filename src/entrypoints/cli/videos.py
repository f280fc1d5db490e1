"""`subdub videos refresh`: fill in the metadata of project videos created while the provider was down."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from entrypoints.runtime import bootstrap


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("videos", help="project videos (Dailymotion metadata)")
    actions = parser.add_subparsers(dest="videos_action", required=True)
    refresh = actions.add_parser("refresh", help="look up every project video still `pending` (run it from cron)")
    refresh.add_argument("--limit", type=int, default=100, help="at most this many projects per run (default 100)")
    refresh.set_defaults(handler=run)


async def _refresh(limit: int) -> int:
    container = bootstrap().container
    pool = container.pool()
    await pool.open(wait=True, timeout=30)
    try:
        report = await container.refresh_pending_videos().execute(limit=max(1, limit))
    finally:
        await container.external().aclose()
        await pool.close()
    print(f"filled: {report.filled}, not found: {report.not_found}, still pending: {report.still_pending}")
    return 0


def run(args: argparse.Namespace) -> int:
    return asyncio.run(_refresh(args.limit))
