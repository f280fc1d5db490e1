from __future__ import annotations

import argparse
import asyncio
from typing import Any

import structlog

from entrypoints.wiring import bootstrap
from entrypoints.worker.runner import run_worker


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("worker", help="run background jobs")
    parser.add_argument("--concurrency", type=int, default=None, help="jobs at once (SUBDUB_WORKER_CONCURRENCY)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    runtime = bootstrap()
    structlog.get_logger(__name__).info("worker.starting")
    asyncio.run(run_worker(runtime.container, concurrency=args.concurrency))
    return 0
