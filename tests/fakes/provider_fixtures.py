"""Fixtures shared by the provider contract and integration tests (imported by their conftest files)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

import pytest

from entrypoints.settings import Settings, load_settings
from entrypoints.wiring.external import ExternalProviders, build_external_providers
from tests.fakes.provider_servers import FakeDailymotion, FakeGoogleTts, FakeOpenAiSpeech, FakeOpenSubtitles


def provider_settings(tmp_path: Path, **env: str) -> Settings:
    base = {
        "SUBDUB_ENV": "test",
        "SUBDUB_DATA_DIR": str(tmp_path),
        "SUBDUB_JWT_SECRET": "x" * 48,
        "SUBDUB_HTTP_CONNECT_TIMEOUT": "1",
        "SUBDUB_HTTP_READ_TIMEOUT": "2",
        "DAILYMOTION_ENABLED": "false",
    }
    return load_settings({**base, **env})


FakeT = TypeVar("FakeT", FakeOpenSubtitles, FakeDailymotion, FakeGoogleTts, FakeOpenAiSpeech)


@asynccontextmanager
async def running(fake: FakeT) -> AsyncIterator[FakeT]:
    """The fake provider's HTTP server, listening for the duration of the block."""
    await fake.server.start()
    try:
        yield fake
    finally:
        await fake.server.stop()


@pytest.fixture
async def opensubtitles_server() -> AsyncIterator[FakeOpenSubtitles]:
    async with running(FakeOpenSubtitles()) as fake:
        yield fake


@pytest.fixture
async def dailymotion_server() -> AsyncIterator[FakeDailymotion]:
    async with running(FakeDailymotion()) as fake:
        yield fake


@pytest.fixture
async def google_server() -> AsyncIterator[FakeGoogleTts]:
    async with running(FakeGoogleTts()) as fake:
        yield fake


@pytest.fixture
async def openai_server() -> AsyncIterator[FakeOpenAiSpeech]:
    async with running(FakeOpenAiSpeech()) as fake:
        yield fake


def openai_env(server: FakeOpenAiSpeech) -> dict[str, str]:
    return {
        "SUBDUB_OPENAI_TTS_BASE_URL": server.server.url,
        "SUBDUB_OPENAI_TTS_API_KEY": server.API_KEY,
        "SUBDUB_OPENAI_TTS_VOICES": "alloy:en-US:female, nova, onyx:en:male",
    }


def opensubtitles_env(server: FakeOpenSubtitles, *, login: bool = True) -> dict[str, str]:
    env = {"OPENSUBTITLES_API_KEY": server.API_KEY, "OPENSUBTITLES_BASE_URL": server.server.url}
    if login:
        env |= {"OPENSUBTITLES_USERNAME": server.USERNAME, "OPENSUBTITLES_PASSWORD": server.PASSWORD}
    return env


def dailymotion_env(server: FakeDailymotion) -> dict[str, str]:
    return {"DAILYMOTION_ENABLED": "true", "DAILYMOTION_BASE_URL": server.server.url}


def google_env(server: FakeGoogleTts) -> dict[str, str]:
    return {"GOOGLE_TTS_API_KEY": server.API_KEY, "GOOGLE_TTS_BASE_URL": server.server.url}


@pytest.fixture
async def external(tmp_path: Path) -> AsyncIterator[list[ExternalProviders]]:
    """Collects what tests build with `build(...)`, closing their HTTP clients afterwards."""
    built: list[ExternalProviders] = []
    yield built
    for item in built:
        await item.aclose()


def build(built: list[ExternalProviders], tmp_path: Path, **env: str) -> ExternalProviders:
    providers = build_external_providers(provider_settings(tmp_path, **env))
    built.append(providers)
    return providers
