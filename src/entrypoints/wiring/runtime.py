"""Process start-up shared by the CLI, the API server and the worker."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import structlog

from adapters.postgres.embedded import EmbeddedDatabaseError, start_embedded_postgres
from adapters.telemetry.logging import configure_logging
from adapters.telemetry.tracing import configure_tracing
from entrypoints.settings import Settings, SettingsError, load_settings
from entrypoints.wiring.container import Container, build_container
from entrypoints.wiring.storage import check_blob_store, is_shared

EXIT_CONFIG = 2


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    database_url: str
    container: Container


def load_settings_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        print(f"subdub: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


def resolve_database_url(settings: Settings) -> str:
    """DATABASE_URL when set, else the embedded server (started once, then shared through the env)."""
    if settings.database_url:
        return settings.database_url
    try:
        url = start_embedded_postgres(settings.data_dir)
    except EmbeddedDatabaseError as exc:
        print(f"subdub: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None
    os.environ["DATABASE_URL"] = url  # child processes (the worker under `subdub run`) join the same server
    return url


def bootstrap(*, needs_database: bool = True, check_store: bool = True) -> Runtime:
    settings = load_settings_or_exit()
    configure_logging(fmt=settings.log_format, level=settings.log_level)
    configure_tracing(settings.otel_exporter)
    database_url = resolve_database_url(settings) if needs_database else ""
    container = build_container(settings, database_url)
    if needs_database and check_store and is_shared(settings):
        try:
            check_blob_store(container.voice.blob_store(), settings)
        except SettingsError as exc:
            print(f"subdub: configuration error: {exc}", file=sys.stderr, flush=True)
            # Nothing is open yet; exiting at once skips interpreter finalization, during which the
            # object-store client's background runtime can abort the process (exit -6 instead of 2).
            os._exit(EXIT_CONFIG)
    structlog.get_logger(__name__).debug("runtime.ready", env=settings.env)
    return Runtime(settings=settings, database_url=database_url, container=container)
