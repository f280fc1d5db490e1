from __future__ import annotations

import argparse
import asyncio
from typing import Any


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("doctor", help="print each dependency's status")
    parser.set_defaults(handler=run)


async def _check() -> int:
    from entrypoints.wiring import bootstrap, running  # imported on use: `--help` stays fast

    async with running(bootstrap().container) as container:
        report = await container.check_readiness().execute()
    print(f"overall: {report.status}")
    for name, check in report.checks.items():
        extra = ", ".join(
            f"{k}={v}"
            for k, v in (("latency_ms", check.latency_ms), ("breaker", check.breaker), ("detail", check.detail))
            if v is not None
        )
        print(f"  {name:<14} {check.status:<9} {extra}")
    return 0 if report.status != "down" else 1


def run(args: argparse.Namespace) -> int:
    return asyncio.run(_check())
