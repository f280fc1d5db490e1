"""The app of one API process among the `subdub serve --workers N` processes: each builds its own
container (its own pool and LISTEN connection) in the process, after the server forked or spawned it."""

from __future__ import annotations

from litestar import Litestar

from entrypoints.http.app import create_app
from entrypoints.wiring import bootstrap


def create_process_app() -> Litestar:
    # The parent already started the embedded database (DATABASE_URL is in the environment) and
    # checked the blob store; this runs inside the server's event loop.
    return create_app(bootstrap(check_store=False).container)
