"""Versioned SQL migrations (yoyo-migrations): apply, roll back, report."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from psycopg.conninfo import conninfo_to_dict
from yoyo import get_backend, read_migrations

MIGRATIONS_DIR = Path(__file__).resolve().parents[3] / "migrations"


@dataclass(frozen=True)
class MigrationState:
    id: str
    applied: bool


def _yoyo_url(database_url: str) -> str:
    """yoyo wants a URL; accept both URLs and key=value conninfo strings."""
    info = conninfo_to_dict(database_url)
    user = quote(str(info.get("user", "postgres")), safe="")
    password = info.get("password")
    auth = f"{user}:{quote(str(password), safe='')}@" if password else f"{user}@"
    host = str(info.get("host", "localhost"))
    port = f":{info['port']}" if info.get("port") else ""
    dbname = quote(str(info.get("dbname", "postgres")), safe="")
    if host.startswith("/"):
        return f"postgresql+psycopg://{auth}{port}/{dbname}?host={quote(host, safe='/')}"
    return f"postgresql+psycopg://{auth}{host}{port}/{dbname}"


class MigrationRunner:
    def __init__(self, database_url: str, directory: Path = MIGRATIONS_DIR) -> None:
        self._url = _yoyo_url(database_url)
        self._directory = directory

    @contextmanager
    def _backend(self) -> Iterator[tuple[Any, Any]]:
        backend = get_backend(self._url, migration_table="_yoyo_migration")
        try:
            yield backend, read_migrations(str(self._directory))
        finally:
            backend.connection.close()

    def up(self) -> list[str]:
        with self._backend() as (backend, migrations), backend.lock():
            pending = backend.to_apply(migrations)
            backend.apply_migrations(pending)
        return [m.id for m in pending]

    def down(self, steps: int | None = 1) -> list[str]:
        with self._backend() as (backend, migrations), backend.lock():
            applied = backend.to_rollback(migrations)
            chosen = applied if steps is None else applied[:steps]
            backend.rollback_migrations(chosen)
        return [m.id for m in chosen]

    def status(self) -> list[MigrationState]:
        with self._backend() as (backend, migrations):
            return [MigrationState(m.id, backend.is_applied(m)) for m in migrations]
