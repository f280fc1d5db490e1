"""Build the real Litestar app against a test database, for integration and e2e tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar
from litestar.testing import AsyncTestClient

from entrypoints.http.app import create_app
from entrypoints.settings import Settings, load_settings
from entrypoints.wiring import Container, build_container
from tests.support.probe_routes import probe_controller


def test_settings(tmp_path: Path, **overrides: str) -> Settings:
    env = {
        "SUBDUB_ENV": "test",
        "SUBDUB_DATA_DIR": str(tmp_path),
        "SUBDUB_JWT_SECRET": "x" * 48,
        # Cheap password hashing keeps tests fast; production defaults are measured in bench/auth.py.
        "SUBDUB_ARGON2_TIME_COST": "1",
        "SUBDUB_ARGON2_MEMORY_KIB": "1024",
        "SUBDUB_ARGON2_PARALLELISM": "1",
        # No test reaches the real Dailymotion; provider tests point DAILYMOTION_BASE_URL at a fake server.
        "DAILYMOTION_ENABLED": "false",
        **overrides,
    }
    return load_settings(env)


def build_test_app(database_url: str, tmp_path: Path, **overrides: str) -> tuple[Litestar, Container]:
    """The real app plus the test-only probe routes under /api/v1/test-probes."""
    container = build_container(test_settings(tmp_path, **overrides), database_url)
    return create_app(container, extra_route_handlers=[probe_controller(container)]), container


@asynccontextmanager
async def api_client(database_url: str, tmp_path: Path, **overrides: str) -> AsyncIterator[AsyncTestClient]:
    app, container = build_test_app(database_url, tmp_path, **overrides)
    async with AsyncTestClient(app=app) as client:
        client.container = container  # type: ignore[attr-defined]
        yield client
