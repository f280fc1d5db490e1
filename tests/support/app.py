"""Build the real Litestar app against a test database, for integration and e2e tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from litestar.testing import AsyncTestClient

from entrypoints.container import Container, build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings, load_settings


def test_settings(tmp_path: Path, **overrides: str) -> Settings:
    env = {"SUBDUB_ENV": "test", "SUBDUB_DATA_DIR": str(tmp_path), "SUBDUB_JWT_SECRET": "x" * 48, **overrides}
    return load_settings(env)


@asynccontextmanager
async def api_client(database_url: str, tmp_path: Path, **overrides: str) -> AsyncIterator[AsyncTestClient]:
    container: Container = build_container(test_settings(tmp_path, **overrides), database_url)
    app = create_app(container)
    async with AsyncTestClient(app=app) as client:
        client.container = container  # type: ignore[attr-defined]
        yield client
