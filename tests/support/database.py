"""Where the tests get PostgreSQL: testcontainers, else TEST_DATABASE_URL, else the embedded server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from adapters.postgres.migrations import MigrationRunner

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yield an admin URL of a PostgreSQL server for this test session."""
    try:
        from docker.errors import DockerException
        from testcontainers.community.postgres import PostgresContainer

        try:
            container = PostgresContainer("postgres:16-alpine", driver=None)
        except DockerException:
            container = None
        if container is not None:
            with container:
                yield container.get_connection_url()
            return
    except ImportError:
        pass
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url
        return
    from adapters.postgres.embedded import start_embedded_postgres

    yield start_embedded_postgres(ROOT / ".subdub" / "test")


def _with_database(url: str, name: str) -> str:
    """The same server URL with another database name (URLs, as DATABASE_URL requires)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def migrated_database(admin_url: str, label: str) -> Iterator[str]:
    """A fresh database for one test worker, migrated to the latest version, dropped afterwards."""
    name = f"subdub_test_{label}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = _with_database(admin_url, name)
    try:
        MigrationRunner(url).up()
        yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn, suppress(psycopg.Error):
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def truncate_all(url: str) -> None:
    """Empty every table except the migration bookkeeping, so each test starts clean."""
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename NOT LIKE '\\_yoyo%' AND tablename NOT LIKE 'yoyo%'"
        ).fetchall()
        if rows:
            conn.execute(
                sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(
                    sql.SQL(", ").join(sql.Identifier(r[0]) for r in rows)
                )
            )
