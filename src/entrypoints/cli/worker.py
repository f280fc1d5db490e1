from __future__ import annotations

import argparse
import asyncio
import signal
from typing import Any

from adapters.process_lifetime import die_with_parent


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("worker", help="run background jobs")
    parser.add_argument("--concurrency", type=int, default=None, help="jobs at once (SUBDUB_WORKER_CONCURRENCY)")
    # `subdub run` starts its worker with its own pid: the worker stops (as on SIGTERM) when that process dies.
    parser.add_argument("--parent-pid", type=int, default=None, help=argparse.SUPPRESS)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.parent_pid is not None:
        die_with_parent(signal.SIGTERM, parent_pid=args.parent_pid)
    # imported on use: `--help` stays fast
    import structlog

    from entrypoints.wiring import bootstrap
    from entrypoints.worker.runner import run_worker

    runtime = bootstrap()
    structlog.get_logger(__name__).info("worker.starting")
    asyncio.run(run_worker(runtime.container, concurrency=args.concurrency))
    return 0
