"""`subdub users create-admin --email …`: the first admin (password from SUBDUB_ADMIN_PASSWORD or a prompt)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
import uuid
from typing import Any

from application.errors import ApplicationError
from domain.errors import DomainError

PASSWORD_VARIABLE = "SUBDUB_ADMIN_PASSWORD"  # noqa: S105 - the variable's name  # nosec B105
EXIT_INVALID = 2


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("users", help="manage accounts")
    actions = parser.add_subparsers(dest="action", required=True)
    create = actions.add_parser(
        "create-admin",
        help=f"create an admin account, or promote an existing one (password from {PASSWORD_VARIABLE} or a prompt)",
    )
    create.add_argument("--email", required=True)
    create.add_argument("--display-name", default="Administrator")
    parser.set_defaults(handler=run)


def _password() -> str:
    from_env = os.environ.get(PASSWORD_VARIABLE)
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise SystemExit(f"subdub: set {PASSWORD_VARIABLE} or run in a terminal to type the password")
    first = getpass.getpass("Password for the admin account: ")
    if getpass.getpass("Repeat the password: ") != first:
        raise SystemExit("subdub: the passwords differ")
    return first


async def _create_admin(args: argparse.Namespace, password: str) -> int:
    # imported on use: `--help` stays fast
    from application.use_cases.identity.register import RegisterCommand
    from entrypoints.wiring import bootstrap, running

    try:
        async with running(bootstrap().container, wait_for_database=True) as container:
            user, created = await container.identity.create_admin().execute(
                RegisterCommand(email=args.email, password=password, display_name=args.display_name),
                trace_id=f"cli-{uuid.uuid4().hex}",
            )
    except (DomainError, ApplicationError) as exc:
        field = getattr(exc, "field", None)
        print(f"subdub: {field + ': ' if field else ''}{getattr(exc, 'detail', None) or exc}", file=sys.stderr)
        return EXIT_INVALID
    print(f"{'created' if created else 'promoted'} admin {user.email} ({user.id})")
    return 0


def run(args: argparse.Namespace) -> int:
    return asyncio.run(_create_admin(args, _password()))
