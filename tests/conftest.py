from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from psycopg_pool import AsyncConnectionPool

from adapters.postgres.pool import make_pool
from tests.support.database import migrated_database, postgres_server, truncate_all
from tests.support.s3 import s3_server

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

os.environ.setdefault("SUBDUB_ENV", "test")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared (contracts, corpus) when present; tests that need it skip otherwise."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session", autouse=True)
def _quiet_logging_at_exit() -> Iterator[None]:
    """Tests reconfigure logging onto captured streams; detach them before pytest closes those."""
    yield
    logging.getLogger().handlers.clear()


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def database_url(postgres_admin_url: str, worker_id: str) -> Iterator[str]:
    """One migrated database per pytest-xdist worker (parallel-safe isolation)."""
    with migrated_database(postgres_admin_url, worker_id) as url:
        yield url


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3 API (moto's server mode, started once per pytest worker on a loopback port)."""
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture
def clean_database(database_url: str) -> str:
    truncate_all(database_url)
    return database_url


@pytest.fixture
async def pool(clean_database: str) -> AsyncIterator[AsyncConnectionPool]:
    pool = make_pool(clean_database, min_size=1, max_size=4)
    await pool.open(wait=True)
    try:
        yield pool
    finally:
        await pool.close()
