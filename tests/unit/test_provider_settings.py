from __future__ import annotations

from pathlib import Path

import pytest

from entrypoints.settings import SettingsError, load_settings


def env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"SUBDUB_ENV": "test", "SUBDUB_DATA_DIR": str(tmp_path), "SUBDUB_JWT_SECRET": "x" * 48, **extra}


def test_provider_defaults(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path))
    assert settings.google_tts_concurrency == 16
    assert settings.google_tts_requests_per_minute == 1000
    assert settings.dailymotion_enabled is True
    assert settings.provider_breaker_failures == 10


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("GOOGLE_APPLICATION_CREDENTIALS", "/no/such/service-account.json"),
        ("DAILYMOTION_ENABLED", "perhaps"),
        ("GOOGLE_TTS_CONCURRENCY", "0"),
        ("GOOGLE_TTS_REQUESTS_PER_MINUTE", "many"),
        ("SUBDUB_PROVIDER_BREAKER_RESET_SECONDS", "-1"),
        ("OPENSUBTITLES_BASE_URL", "ftp://example.com"),
    ],
)
def test_bad_provider_settings_stop_the_process_naming_the_variable(tmp_path: Path, variable: str, value: str) -> None:
    # covers: S-OPS-1
    with pytest.raises(SettingsError) as caught:
        load_settings(env(tmp_path, **{variable: value}))
    assert caught.value.variable == variable
