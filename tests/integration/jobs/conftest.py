from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from psycopg_pool import AsyncConnectionPool

from adapters.postgres.pool import make_pool


@pytest.fixture
async def job_pool(clean_database: str) -> AsyncIterator[AsyncConnectionPool]:
    pool = make_pool(clean_database, min_size=1, max_size=4)
    await pool.open(wait=True)
    try:
        yield pool
    finally:
        await pool.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


def artifacts(data_dir: Path) -> list[Path]:
    """Every file under the render artifacts directory (temporary files included)."""
    root = data_dir / "blobs" / "renders"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
