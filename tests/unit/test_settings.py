from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from entrypoints.settings import SettingsError, load_settings

SECRET = "s" * 40


def production(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        "SUBDUB_ENV": "production",
        "SUBDUB_DATA_DIR": str(tmp_path),
        "SUBDUB_JWT_SECRET": SECRET,
        "DATABASE_URL": "postgresql://db.internal/subdub",
    }
    env.update(extra)
    return env


def test_defaults_follow_the_architecture_table(tmp_path: Path) -> None:
    settings = load_settings({"SUBDUB_DATA_DIR": str(tmp_path)}, dotenv_path=tmp_path / "none")
    assert settings.env == "development"
    assert (settings.http_host, settings.http_port) == ("127.0.0.1", 8000)
    assert (settings.database_pool_min, settings.database_pool_max) == (2, 10)
    assert settings.database_url is None and settings.redis_url is None
    assert settings.log_format == "console"
    assert settings.otel_exporter == "none"
    assert settings.cors_origins == ()
    assert settings.max_json_body_bytes == 1024 * 1024
    assert settings.max_upload_bytes == 5 * 1024 * 1024


def test_development_jwt_secret_is_random_per_data_dir_and_stable(tmp_path: Path) -> None:
    first = load_settings({"SUBDUB_DATA_DIR": str(tmp_path / "a")}).jwt_secret
    again = load_settings({"SUBDUB_DATA_DIR": str(tmp_path / "a")}).jwt_secret
    other = load_settings({"SUBDUB_DATA_DIR": str(tmp_path / "b")}).jwt_secret
    assert len(first) >= 32
    assert first == again
    assert first != other


# covers: S-OPS-1
@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("SUBDUB_HTTP_PORT", "eighty", "integer"),
        ("DATABASE_POOL_MIN", "0", "at least 1"),
        ("DATABASE_URL", "mysql://x", "postgresql://"),
        ("REDIS_URL", "http://x", "redis://"),
        ("SUBDUB_LOG_FORMAT", "xml", "console, json"),
        ("SUBDUB_OTEL_EXPORTER", "jaeger", "none, console, otlp"),
        ("SUBDUB_ENV", "staging", "development, test, production"),
        ("SUBDUB_JWT_SECRET", "short", "32 characters"),
        ("SUBDUB_JOB_RETENTION_CRON", "every day", "five-field cron"),
        ("SUBDUB_JOB_RETENTION_CRON", "17 3 * * * ; drop", "five-field cron"),
        ("SUBDUB_JOB_RETENTION_DAYS", "-1", "at least 0"),
        ("SUBDUB_CLIP_CACHE_MB", "lots", "integer"),
    ],
)
def test_invalid_values_name_the_variable(tmp_path: Path, variable: str, value: str, fragment: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"SUBDUB_DATA_DIR": str(tmp_path), variable: value})
    assert caught.value.variable == variable
    assert fragment in str(caught.value)


def test_pool_max_below_min_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="DATABASE_POOL_MAX"):
        load_settings({"SUBDUB_DATA_DIR": str(tmp_path), "DATABASE_POOL_MIN": "5", "DATABASE_POOL_MAX": "2"})


# covers: S-OPS-1, S-SEC-7
@pytest.mark.parametrize(
    ("drop", "override", "variable"),
    [
        ("SUBDUB_JWT_SECRET", {}, "SUBDUB_JWT_SECRET"),
        ("DATABASE_URL", {}, "DATABASE_URL"),
        (None, {"SUBDUB_CORS_ORIGINS": "*"}, "SUBDUB_CORS_ORIGINS"),
        (None, {"SUBDUB_LOG_FORMAT": "console"}, "SUBDUB_LOG_FORMAT"),
    ],
)
def test_production_refuses_unsafe_values(
    tmp_path: Path, drop: str | None, override: dict[str, str], variable: str
) -> None:
    env = production(tmp_path, **override)
    if drop:
        env.pop(drop)
    with pytest.raises(SettingsError) as caught:
        load_settings(env)
    assert caught.value.variable == variable


def test_production_with_safe_values_starts(tmp_path: Path) -> None:
    settings = load_settings(production(tmp_path, SUBDUB_CORS_ORIGINS="https://app.example, https://m.example"))
    assert settings.is_production
    assert settings.log_format == "json"
    assert settings.cors_origins == ("https://app.example", "https://m.example")
    assert not (tmp_path / "jwt-secret").exists()


# covers: S-SEC-7
def test_dotenv_is_read_in_development_only_and_environment_wins(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("SUBDUB_HTTP_PORT=9001\nSUBDUB_LOG_LEVEL=debug\n")
    dev = load_settings({"SUBDUB_DATA_DIR": str(tmp_path), "SUBDUB_LOG_LEVEL": "warning"}, dotenv_path=dotenv)
    assert dev.http_port == 9001
    assert dev.log_level == "WARNING"
    test = load_settings({"SUBDUB_ENV": "test", "SUBDUB_DATA_DIR": str(tmp_path)}, dotenv_path=dotenv)
    assert test.http_port == 8000


# covers: S-OPS-1
def test_cli_exits_2_naming_a_missing_production_setting(tmp_path: Path) -> None:
    env = production(tmp_path)
    env.pop("SUBDUB_JWT_SECRET")
    env["PATH"] = "/usr/bin:/bin"
    result = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli.main", "doctor"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "SUBDUB_JWT_SECRET" in result.stderr
    assert "required in production" in result.stderr
