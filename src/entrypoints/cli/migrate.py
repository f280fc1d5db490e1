from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("migrate", help="apply, roll back or list database migrations")
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("up", help="apply every pending migration")
    down = actions.add_parser("down", help="roll back the last N migrations (default 1)")
    down.add_argument("steps", nargs="?", default="1", help="how many, or 'all'")
    actions.add_parser("status", help="list migrations and whether each is applied")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # imported on use: `--help` stays fast
    from adapters.postgres.migrations import MigrationRunner
    from entrypoints.wiring.runtime import load_settings_or_exit, resolve_database_url

    settings = load_settings_or_exit()
    runner = MigrationRunner(resolve_database_url(settings))
    if args.action == "up":
        applied = runner.up()
        print("applied: " + (", ".join(applied) if applied else "nothing (up to date)"))
    elif args.action == "down":
        steps = None if args.steps == "all" else int(args.steps)
        rolled = runner.down(steps)
        print("rolled back: " + (", ".join(rolled) if rolled else "nothing"))
    else:
        for state in runner.status():
            print(f"{'applied' if state.applied else 'pending'}  {state.id}")
    return 0
