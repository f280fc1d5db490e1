"""Settings read from the environment (and `.env` in development), validated at start."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Literal

import msgspec
from dotenv import dotenv_values

Environment = Literal["development", "test", "production"]
LogFormat = Literal["console", "json"]
OtelExporter = Literal["none", "console", "otlp"]


class SettingsError(Exception):
    """A setting is missing or invalid; the message names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    env: Environment = "development"
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    data_dir: Path = Path("./.subdub")
    database_url: str | None = None
    database_pool_min: int = 2
    database_pool_max: int = 10
    redis_url: str | None = None
    jwt_secret: str = ""
    cors_origins: tuple[str, ...] = ()
    log_format: LogFormat = "console"
    log_level: str = "INFO"
    otel_exporter: OtelExporter = "none"
    worker_concurrency: int = 2
    max_json_body_bytes: int = 1024 * 1024
    max_upload_bytes: int = 5 * 1024 * 1024
    max_media_bytes: int = 4 * 1024**3
    shutdown_grace_seconds: float = 10.0
    http_connect_timeout_s: float = 3.0
    http_read_timeout_s: float = 10.0
    opensubtitles_api_key: str | None = None
    opensubtitles_username: str | None = None
    opensubtitles_password: str | None = None
    opensubtitles_base_url: str = "https://api.opensubtitles.com/api/v1"
    dailymotion_base_url: str = "https://api.dailymotion.com"
    google_tts_api_key: str | None = None
    google_application_credentials: str | None = None
    google_tts_base_url: str = "https://texttospeech.googleapis.com"
    google_tts_concurrency: int = 16
    google_tts_requests_per_minute: int = 1000
    dailymotion_enabled: bool = True
    provider_breaker_failures: int = 10
    provider_breaker_reset_s: float = 30.0
    provider_cache_mb: int = 64
    clip_cache_mb: int = 4096
    clip_cache_prune_interval_s: float = 3600.0
    # Identity: token lifetimes, password hashing cost, rate limits.
    access_token_ttl_s: int = 900
    refresh_token_ttl_days: int = 30
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4
    rate_limit_per_minute: int = 600
    auth_rate_limit_per_minute: int = 20
    login_max_failures: int = 5
    login_failure_window_s: int = 900
    auth_cache_s: int = 10
    # Jobs (renders): retries, heartbeats and the recovery of jobs whose worker died.
    job_max_attempts: int = 5
    job_retention_days: int = 30
    job_retention_cron: str = "17 3 * * *"
    job_retry_base_s: float = 2.0
    job_retry_max_s: float = 300.0
    worker_heartbeat_s: float = 5.0
    job_stalled_after_s: float = 30.0
    job_recovery_interval_s: float = 10.0
    worker_poll_s: float = 2.0
    render_heartbeat_s: float = 2.0
    worker_metrics_port: int | None = None

    @property
    def is_production(self) -> bool:
        return self.env == "production"


# variable name -> (field, parser)
def _int(name: str, raw: str, minimum: int = 0) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(name, f"must be an integer, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(name, f"must be at least {minimum}, got {value}")
    return value


_CRON_FIELD = re.compile(r"^[0-9A-Za-z*/,\-]+$")


def _cron(name: str, raw: str) -> str:
    fields = raw.split()
    if len(fields) != 5 or not all(_CRON_FIELD.match(field) for field in fields):
        raise SettingsError(name, f"must be a five-field cron expression, got {raw!r}")
    return " ".join(fields)


def _float(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(name, f"must be a number, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(name, f"must be positive, got {value}")
    return value


def _choice(name: str, raw: str, allowed: tuple[str, ...]) -> str:
    if raw not in allowed:
        raise SettingsError(name, f"must be one of {', '.join(allowed)}, got {raw!r}")
    return raw


def _url(name: str, raw: str, schemes: tuple[str, ...]) -> str:
    if not raw.startswith(tuple(f"{s}://" for s in schemes)):
        raise SettingsError(name, f"must be a URL starting with {' or '.join(s + '://' for s in schemes)}")
    return raw


_BOOLS = ("true", "false", "1", "0", "yes", "no")


def _credentials_file(raw: str | None) -> str | None:
    if raw and not Path(raw).is_file():
        raise SettingsError("GOOGLE_APPLICATION_CREDENTIALS", f"no such file: {raw}")
    return raw


def _optional(raw: str | None) -> str | None:
    return raw if raw else None


def _jwt_secret(env: str, data_dir: Path, raw: str | None) -> str:
    if raw:
        if len(raw) < 32:
            raise SettingsError("SUBDUB_JWT_SECRET", "must be at least 32 characters")
        return raw
    if env == "production":
        raise SettingsError("SUBDUB_JWT_SECRET", "is required in production")
    # Development and test: a random key kept in the data directory, so tokens survive restarts.
    key_file = data_dir / "jwt-secret"
    if key_file.exists():
        return key_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    key_file.write_text(secret)
    key_file.chmod(0o600)
    return secret


def load_settings(environ: dict[str, str] | None = None, *, dotenv_path: Path | None = None) -> Settings:
    """Build Settings from the environment; raises SettingsError naming the first bad variable."""
    env_vars = dict(os.environ if environ is None else environ)
    env = _choice("SUBDUB_ENV", env_vars.get("SUBDUB_ENV", "development"), ("development", "test", "production"))
    if env == "development":
        path = dotenv_path or Path(".env")
        if path.exists():
            for key, value in dotenv_values(path).items():
                if value is not None:
                    env_vars.setdefault(key, value)
    get = env_vars.get

    data_dir = Path(get("SUBDUB_DATA_DIR") or "./.subdub")
    database_url = _optional(get("DATABASE_URL"))
    if database_url:
        _url("DATABASE_URL", database_url, ("postgresql", "postgres"))
    redis_url = _optional(get("REDIS_URL"))
    if redis_url:
        _url("REDIS_URL", redis_url, ("redis", "rediss", "unix"))
    cors = tuple(o.strip() for o in (get("SUBDUB_CORS_ORIGINS") or "").split(",") if o.strip())
    log_format = _choice(
        "SUBDUB_LOG_FORMAT",
        get("SUBDUB_LOG_FORMAT") or ("console" if env == "development" else "json"),
        ("console", "json"),
    )
    pool_min = _int("DATABASE_POOL_MIN", get("DATABASE_POOL_MIN") or "2", minimum=1)
    pool_max = _int("DATABASE_POOL_MAX", get("DATABASE_POOL_MAX") or "10", minimum=1)
    if pool_max < pool_min:
        raise SettingsError("DATABASE_POOL_MAX", f"must be >= DATABASE_POOL_MIN ({pool_min})")

    if env == "production":
        if "*" in cors:
            raise SettingsError("SUBDUB_CORS_ORIGINS", "'*' is refused in production; list the origins")
        if log_format != "json":
            raise SettingsError("SUBDUB_LOG_FORMAT", "must be json in production")
        if not database_url:
            raise SettingsError("DATABASE_URL", "is required in production (the embedded server is for development)")

    return Settings(
        env=env,  # type: ignore[arg-type]
        http_host=get("SUBDUB_HTTP_HOST") or "127.0.0.1",
        http_port=_int("SUBDUB_HTTP_PORT", get("SUBDUB_HTTP_PORT") or "8000", minimum=0),
        data_dir=data_dir,
        database_url=database_url,
        database_pool_min=pool_min,
        database_pool_max=pool_max,
        redis_url=redis_url,
        jwt_secret=_jwt_secret(env, data_dir, get("SUBDUB_JWT_SECRET")),
        cors_origins=cors,
        log_format=log_format,  # type: ignore[arg-type]
        log_level=_choice(
            "SUBDUB_LOG_LEVEL", (get("SUBDUB_LOG_LEVEL") or "INFO").upper(), ("DEBUG", "INFO", "WARNING", "ERROR")
        ),
        otel_exporter=_choice(
            "SUBDUB_OTEL_EXPORTER", get("SUBDUB_OTEL_EXPORTER") or "none", ("none", "console", "otlp")
        ),  # type: ignore[arg-type]
        worker_concurrency=_int(
            "SUBDUB_WORKER_CONCURRENCY", get("SUBDUB_WORKER_CONCURRENCY") or str(os.cpu_count() or 1), minimum=1
        ),
        max_json_body_bytes=_int("SUBDUB_MAX_JSON_BYTES", get("SUBDUB_MAX_JSON_BYTES") or str(1024 * 1024), 1),
        max_upload_bytes=_int("SUBDUB_MAX_UPLOAD_BYTES", get("SUBDUB_MAX_UPLOAD_BYTES") or str(5 * 1024 * 1024), 1),
        max_media_bytes=_int("SUBDUB_MAX_MEDIA_BYTES", get("SUBDUB_MAX_MEDIA_BYTES") or str(4 * 1024**3), 1),
        shutdown_grace_seconds=_float("SUBDUB_SHUTDOWN_GRACE_SECONDS", get("SUBDUB_SHUTDOWN_GRACE_SECONDS") or "10"),
        http_connect_timeout_s=_float("SUBDUB_HTTP_CONNECT_TIMEOUT", get("SUBDUB_HTTP_CONNECT_TIMEOUT") or "3"),
        http_read_timeout_s=_float("SUBDUB_HTTP_READ_TIMEOUT", get("SUBDUB_HTTP_READ_TIMEOUT") or "10"),
        opensubtitles_api_key=_optional(get("OPENSUBTITLES_API_KEY")),
        opensubtitles_username=_optional(get("OPENSUBTITLES_USERNAME")),
        opensubtitles_password=_optional(get("OPENSUBTITLES_PASSWORD")),
        opensubtitles_base_url=_url(
            "OPENSUBTITLES_BASE_URL",
            get("OPENSUBTITLES_BASE_URL") or "https://api.opensubtitles.com/api/v1",
            ("http", "https"),
        ),
        dailymotion_base_url=_url(
            "DAILYMOTION_BASE_URL", get("DAILYMOTION_BASE_URL") or "https://api.dailymotion.com", ("http", "https")
        ),
        google_tts_api_key=_optional(get("GOOGLE_TTS_API_KEY")),
        google_application_credentials=_credentials_file(_optional(get("GOOGLE_APPLICATION_CREDENTIALS"))),
        google_tts_base_url=_url(
            "GOOGLE_TTS_BASE_URL",
            get("GOOGLE_TTS_BASE_URL") or "https://texttospeech.googleapis.com",
            ("http", "https"),
        ),
        google_tts_concurrency=_int("GOOGLE_TTS_CONCURRENCY", get("GOOGLE_TTS_CONCURRENCY") or "16", minimum=1),
        google_tts_requests_per_minute=_int(
            "GOOGLE_TTS_REQUESTS_PER_MINUTE", get("GOOGLE_TTS_REQUESTS_PER_MINUTE") or "1000", minimum=1
        ),
        dailymotion_enabled=_choice("DAILYMOTION_ENABLED", (get("DAILYMOTION_ENABLED") or "true").lower(), _BOOLS)
        in ("true", "1", "yes"),
        provider_breaker_failures=_int(
            "SUBDUB_PROVIDER_BREAKER_FAILURES", get("SUBDUB_PROVIDER_BREAKER_FAILURES") or "10", minimum=1
        ),
        provider_breaker_reset_s=_float(
            "SUBDUB_PROVIDER_BREAKER_RESET_SECONDS", get("SUBDUB_PROVIDER_BREAKER_RESET_SECONDS") or "30"
        ),
        provider_cache_mb=_int("SUBDUB_PROVIDER_CACHE_MB", get("SUBDUB_PROVIDER_CACHE_MB") or "64", minimum=1),
        clip_cache_mb=_int("SUBDUB_CLIP_CACHE_MB", get("SUBDUB_CLIP_CACHE_MB") or "4096", minimum=0),
        clip_cache_prune_interval_s=_float(
            "SUBDUB_CLIP_CACHE_PRUNE_SECONDS", get("SUBDUB_CLIP_CACHE_PRUNE_SECONDS") or "3600"
        ),
        access_token_ttl_s=_int("SUBDUB_ACCESS_TOKEN_TTL_SECONDS", get("SUBDUB_ACCESS_TOKEN_TTL_SECONDS") or "900", 1),
        refresh_token_ttl_days=_int("SUBDUB_REFRESH_TOKEN_TTL_DAYS", get("SUBDUB_REFRESH_TOKEN_TTL_DAYS") or "30", 1),
        argon2_time_cost=_int("SUBDUB_ARGON2_TIME_COST", get("SUBDUB_ARGON2_TIME_COST") or "3", 1),
        argon2_memory_kib=_int("SUBDUB_ARGON2_MEMORY_KIB", get("SUBDUB_ARGON2_MEMORY_KIB") or "65536", 8),
        argon2_parallelism=_int("SUBDUB_ARGON2_PARALLELISM", get("SUBDUB_ARGON2_PARALLELISM") or "4", 1),
        rate_limit_per_minute=_int("SUBDUB_RATE_LIMIT_PER_MINUTE", get("SUBDUB_RATE_LIMIT_PER_MINUTE") or "600", 1),
        auth_rate_limit_per_minute=_int(
            "SUBDUB_AUTH_RATE_LIMIT_PER_MINUTE", get("SUBDUB_AUTH_RATE_LIMIT_PER_MINUTE") or "20", 1
        ),
        login_max_failures=_int("SUBDUB_LOGIN_MAX_FAILURES", get("SUBDUB_LOGIN_MAX_FAILURES") or "5", 1),
        login_failure_window_s=_int(
            "SUBDUB_LOGIN_FAILURE_WINDOW_SECONDS", get("SUBDUB_LOGIN_FAILURE_WINDOW_SECONDS") or "900", 1
        ),
        auth_cache_s=_int("SUBDUB_AUTH_CACHE_SECONDS", get("SUBDUB_AUTH_CACHE_SECONDS") or "10", 1),
        job_max_attempts=_int("SUBDUB_JOB_MAX_ATTEMPTS", get("SUBDUB_JOB_MAX_ATTEMPTS") or "5", minimum=1),
        job_retention_days=_int("SUBDUB_JOB_RETENTION_DAYS", get("SUBDUB_JOB_RETENTION_DAYS") or "30", minimum=0),
        job_retention_cron=_cron("SUBDUB_JOB_RETENTION_CRON", get("SUBDUB_JOB_RETENTION_CRON") or "17 3 * * *"),
        job_retry_base_s=_float("SUBDUB_JOB_RETRY_BASE_SECONDS", get("SUBDUB_JOB_RETRY_BASE_SECONDS") or "2"),
        job_retry_max_s=_float("SUBDUB_JOB_RETRY_MAX_SECONDS", get("SUBDUB_JOB_RETRY_MAX_SECONDS") or "300"),
        worker_heartbeat_s=_float("SUBDUB_WORKER_HEARTBEAT_SECONDS", get("SUBDUB_WORKER_HEARTBEAT_SECONDS") or "5"),
        job_stalled_after_s=_float("SUBDUB_JOB_STALLED_AFTER_SECONDS", get("SUBDUB_JOB_STALLED_AFTER_SECONDS") or "30"),
        job_recovery_interval_s=_float(
            "SUBDUB_JOB_RECOVERY_INTERVAL_SECONDS", get("SUBDUB_JOB_RECOVERY_INTERVAL_SECONDS") or "10"
        ),
        worker_poll_s=_float("SUBDUB_WORKER_POLL_SECONDS", get("SUBDUB_WORKER_POLL_SECONDS") or "2"),
        render_heartbeat_s=_float("SUBDUB_RENDER_HEARTBEAT_SECONDS", get("SUBDUB_RENDER_HEARTBEAT_SECONDS") or "2"),
        worker_metrics_port=_int("SUBDUB_WORKER_METRICS_PORT", raw_port, minimum=1)
        if (raw_port := get("SUBDUB_WORKER_METRICS_PORT"))
        else None,
    )
