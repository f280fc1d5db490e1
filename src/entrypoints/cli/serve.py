from __future__ import annotations

import argparse
import os
import signal
import subprocess  # nosec B404
import sys
from typing import TYPE_CHECKING, Any

# uvicorn, Litestar and the wiring are imported where a server starts: `subdub --help` stays fast
if TYPE_CHECKING:
    import uvicorn
    from litestar import Litestar

    from entrypoints.settings import Settings
    from entrypoints.wiring import Runtime

PROCESS_APP = "entrypoints.http.asgi:create_process_app"


def register(sub: Any) -> None:
    serve = sub.add_parser("serve", help="run the HTTP API")
    serve.add_argument(
        "--workers", type=int, default=None, help="API processes on one shared socket (SUBDUB_HTTP_WORKERS; cores)"
    )
    serve.set_defaults(handler=run_serve)
    both = sub.add_parser("run", help="apply migrations, then run the API and one worker together")
    both.set_defaults(handler=run_all)


def server_config(settings: Settings, app: Any, *, workers: int = 1) -> uvicorn.Config:
    """uvloop and httptools (C parsers and event loop). Each process stops accepting on SIGTERM/SIGINT,
    lets in-flight requests finish within the grace period, then runs the lifespan shutdown that closes
    its pools; with several workers the parent holds the socket, forwards the signal and waits for them."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        workers=workers,
        factory=isinstance(app, str),  # an import string names a factory each process calls
        loop="uvloop",
        http="httptools",
        log_config=None,
        access_log=False,
        # Forwarded headers count only from the configured proxies: with none (the default) the peer address
        # is the client, so a local process cannot pick its own address for the per-IP limits.
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=list(settings.trusted_proxies),
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
        timeout_worker_healthcheck=60,  # a process still importing on a loaded machine is not dead
        lifespan="on",
    )


def make_server(runtime: Runtime, app: Litestar | None = None) -> uvicorn.Server:
    """One API process serving an app built here (tests, `subdub run`)."""
    import uvicorn

    from entrypoints.http.app import create_app

    return uvicorn.Server(server_config(runtime.settings, app or create_app(runtime.container)))


def _serve(runtime: Runtime) -> None:
    make_server(runtime).run()


def serve_processes(settings: Settings, workers: int, app_factory: str = PROCESS_APP) -> None:
    """`workers` API processes sharing one listening socket, each building its app from `app_factory`."""
    from uvicorn.supervisors import Multiprocess

    config = server_config(settings, app_factory, workers=workers)
    sock = config.bind_socket()
    Multiprocess(config, sockets=[sock]).run()


def run_serve(args: argparse.Namespace) -> int:
    from entrypoints.cli.stopping import stopped_by_signals
    from entrypoints.wiring import bootstrap

    runtime = bootstrap()
    workers = args.workers or runtime.settings.http_workers
    if workers < 1:
        raise SystemExit("subdub: --workers must be at least 1")
    with stopped_by_signals():
        if workers == 1:
            _serve(runtime)
        else:
            serve_processes(runtime.settings, workers)
    return 0


def run_all(args: argparse.Namespace) -> int:
    from adapters.postgres.migrations import MigrationRunner
    from entrypoints.cli.stopping import stopped_by_signals
    from entrypoints.wiring import bootstrap

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
