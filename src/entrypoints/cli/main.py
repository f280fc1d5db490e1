"""The `subdub` command: one sub-command per module, each registering itself."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from entrypoints.cli import cache, doctor, fit_check, migrate, render, serve, users, videos, voices, worker

COMMAND_MODULES = (serve, worker, migrate, doctor, render, fit_check, voices, users, videos, cache)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="subdub", description="Subtitles in, synchronised voice-over out.")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("subdub: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
