from __future__ import annotations

import argparse
import os
import signal
import subprocess  # nosec B404
import sys
from typing import Any

import uvicorn
from litestar import Litestar

from adapters.postgres.migrations import MigrationRunner
from entrypoints.cli.stopping import stopped_by_signals
from entrypoints.http.app import create_app
from entrypoints.wiring import Runtime, bootstrap


def register(sub: Any) -> None:
    serve = sub.add_parser("serve", help="run the HTTP API")
    serve.set_defaults(handler=run_serve)
    both = sub.add_parser("run", help="apply migrations, then run the API and one worker together")
    both.set_defaults(handler=run_all)


def make_server(runtime: Runtime, app: Litestar | None = None) -> uvicorn.Server:
    """uvicorn stops accepting on SIGTERM/SIGINT, lets in-flight requests finish within the grace
    period, then runs the lifespan shutdown that closes the pools."""
    settings = runtime.settings
    config = uvicorn.Config(
        app or create_app(runtime.container),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
        lifespan="on",
    )
    return uvicorn.Server(config)


def _serve(runtime: Runtime) -> None:
    make_server(runtime).run()


def run_serve(args: argparse.Namespace) -> int:
    runtime = bootstrap()
    with stopped_by_signals():
        _serve(runtime)
    return 0


def run_all(args: argparse.Namespace) -> int:
    runtime = bootstrap()
    MigrationRunner(runtime.database_url).up()
    settings = runtime.settings
    with stopped_by_signals():
        worker = subprocess.Popen(  # nosec B603
            [sys.executable, "-m", "entrypoints.cli.main", "worker", "--parent-pid", str(os.getpid())],
            env=os.environ.copy(),
        )
        print(
            f"subdub is up: API http://{settings.http_host}:{settings.http_port}/api/v1  "
            f"docs http://{settings.http_host}:{settings.http_port}/schema",
            flush=True,
        )
        try:
            _serve(runtime)  # the API stops first (its in-flight requests get the grace period) ...
        finally:
            _stop_worker(worker, settings.shutdown_grace_seconds)  # ... then the worker; the database last
    return 0


def _stop_worker(worker: subprocess.Popen[bytes], grace_s: float) -> None:
    """SIGTERM: the worker stops taking jobs, gives running ones the grace period, then hands them back."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=grace_s + 5)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
