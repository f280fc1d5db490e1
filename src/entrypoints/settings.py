"""Settings read from the environment (and `.env` in development), validated at start.

Every variable is declared once, on its field: type, default, bounds and meaning. `.env.example`
and the README's table are checked against these declarations by a test.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path
from typing import Annotated, Literal

import msgspec
from dotenv import dotenv_values

from entrypoints.env_vars import SettingsError, Var, read

__all__ = ["Settings", "SettingsError", "load_settings"]

Environment = Literal["development", "test", "production"]
LogFormat = Literal["console", "json"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]
OtelExporter = Literal["none", "console", "otlp"]
HTTP = ("http", "https")


def _cores() -> int:
    return os.cpu_count() or 1


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    env: Annotated[
        Environment, Var("SUBDUB_ENV", "development, test or production (production refuses unsafe defaults)")
    ] = "development"
    http_host: Annotated[str, Var("SUBDUB_HTTP_HOST", "where the API listens")] = "127.0.0.1"
    http_port: Annotated[int, Var("SUBDUB_HTTP_PORT", "the API's port")] = 8000
    http_workers: Annotated[
        int,
        Var(
            "SUBDUB_HTTP_WORKERS",
            "API processes `subdub serve` starts on one shared socket",
            minimum=1,
            default_doc="number of cores",
        ),
    ] = msgspec.field(default_factory=_cores)
    data_dir: Annotated[Path, Var("SUBDUB_DATA_DIR", "embedded database, local blobs, clip cache")] = Path("./.subdub")
    database_url: Annotated[
        str | None,
        Var("DATABASE_URL", "PostgreSQL URL (unset: embedded PostgreSQL)", schemes=("postgresql", "postgres")),
    ] = None
    database_pool_min: Annotated[int, Var("DATABASE_POOL_MIN", "pool size, least", minimum=1)] = 2
    database_pool_max: Annotated[int, Var("DATABASE_POOL_MAX", "pool size, most", minimum=1)] = 10
    redis_url: Annotated[
        str | None,
        Var("REDIS_URL", "cache and rate-limit store (unset: in-process)", schemes=("redis", "rediss", "unix")),
    ] = None
    jwt_secret: Annotated[
        str,
        Var(
            "SUBDUB_JWT_SECRET",
            "token signing key, at least 32 characters",
            default_doc="random per data dir; required in production",
        ),
    ] = ""
    cors_origins: Annotated[tuple[str, ...], Var("SUBDUB_CORS_ORIGINS", "comma-separated CORS allow-list")] = ()
    trusted_proxies: Annotated[
        tuple[str, ...],
        Var(
            "SUBDUB_TRUSTED_PROXIES",
            "addresses or networks of proxies whose X-Forwarded-For / -Proto give the client's",
            default_doc="none: forwarded headers are ignored",
        ),
    ] = ()
    log_format: Annotated[
        LogFormat, Var("SUBDUB_LOG_FORMAT", "log output", default_doc="console in development, json otherwise")
    ] = "console"
    log_level: Annotated[LogLevel, Var("SUBDUB_LOG_LEVEL", "DEBUG, INFO, WARNING or ERROR", upper=True)] = "INFO"
    otel_exporter: Annotated[
        OtelExporter, Var("SUBDUB_OTEL_EXPORTER", "none, console or otlp (OTEL_* variables apply)")
    ] = "none"
    worker_concurrency: Annotated[
        int,
        Var(
            "SUBDUB_WORKER_CONCURRENCY",
            "jobs of any size a worker runs at once (its small-render slots come on top)",
            minimum=1,
            default_doc="number of cores",
        ),
    ] = msgspec.field(default_factory=_cores)
    max_json_body_bytes: Annotated[int, Var("SUBDUB_MAX_JSON_BYTES", "JSON request body limit", minimum=1)] = (
        1024 * 1024
    )
    max_upload_bytes: Annotated[int, Var("SUBDUB_MAX_UPLOAD_BYTES", "subtitle upload limit", minimum=1)] = (
        5 * 1024 * 1024
    )
    subtitle_read_seconds: Annotated[
        float,
        Var("SUBDUB_SUBTITLE_READ_SECONDS", "wall-clock limit for reading one subtitle file (422 beyond)"),
    ] = 20.0
    max_media_bytes: Annotated[
        int, Var("SUBDUB_MAX_MEDIA_BYTES", "project media (video or audio) upload limit", minimum=1)
    ] = 4 * 1024**3
    shutdown_grace_seconds: Annotated[
        float, Var("SUBDUB_SHUTDOWN_GRACE_SECONDS", "seconds in-flight requests and jobs get on SIGTERM")
    ] = 10.0
    http_connect_timeout_s: Annotated[float, Var("SUBDUB_HTTP_CONNECT_TIMEOUT", "outbound connect timeout (s)")] = 3.0
    http_read_timeout_s: Annotated[float, Var("SUBDUB_HTTP_READ_TIMEOUT", "outbound read timeout (s)")] = 10.0
    opensubtitles_api_key: Annotated[
        str | None, Var("OPENSUBTITLES_API_KEY", "OpenSubtitles key (unset: disabled)")
    ] = None
    opensubtitles_username: Annotated[str | None, Var("OPENSUBTITLES_USERNAME", "OpenSubtitles account")] = None
    opensubtitles_password: Annotated[str | None, Var("OPENSUBTITLES_PASSWORD", "OpenSubtitles password")] = None
    opensubtitles_base_url: Annotated[str, Var("OPENSUBTITLES_BASE_URL", "OpenSubtitles API", schemes=HTTP)] = (
        "https://api.opensubtitles.com/api/v1"
    )
    dailymotion_base_url: Annotated[str, Var("DAILYMOTION_BASE_URL", "Dailymotion API", schemes=HTTP)] = (
        "https://api.dailymotion.com"
    )
    google_tts_api_key: Annotated[str | None, Var("GOOGLE_TTS_API_KEY", "Google Cloud TTS API key")] = None
    google_application_credentials: Annotated[
        str | None, Var("GOOGLE_APPLICATION_CREDENTIALS", "Google service-account JSON file")
    ] = None
    google_tts_base_url: Annotated[str, Var("GOOGLE_TTS_BASE_URL", "Google Cloud TTS API", schemes=HTTP)] = (
        "https://texttospeech.googleapis.com"
    )
    google_tts_concurrency: Annotated[int, Var("GOOGLE_TTS_CONCURRENCY", "Google calls in flight", minimum=1)] = 16
    google_tts_requests_per_minute: Annotated[
        int, Var("GOOGLE_TTS_REQUESTS_PER_MINUTE", "Google per-minute budget", minimum=1)
    ] = 1000
    openai_tts_base_url: Annotated[
        str | None, Var("SUBDUB_OPENAI_TTS_BASE_URL", "OpenAI-compatible speech server (unset: disabled)", schemes=HTTP)
    ] = None
    openai_tts_api_key: Annotated[
        str | None, Var("SUBDUB_OPENAI_TTS_API_KEY", "its bearer key (local servers may need none)")
    ] = None
    openai_tts_model: Annotated[str, Var("SUBDUB_OPENAI_TTS_MODEL", "the `model` asked for")] = "tts-1"
    openai_tts_voices: Annotated[
        str, Var("SUBDUB_OPENAI_TTS_VOICES", "its voices: name[:language[:gender]], comma-separated")
    ] = "alloy,ash,coral,echo,fable,nova,onyx,sage,shimmer"
    openai_tts_concurrency: Annotated[
        int, Var("SUBDUB_OPENAI_TTS_CONCURRENCY", "OpenAI-compatible calls in flight", minimum=1)
    ] = 8
    openai_tts_requests_per_minute: Annotated[
        int, Var("SUBDUB_OPENAI_TTS_REQUESTS_PER_MINUTE", "its per-minute budget", minimum=1)
    ] = 500
    dailymotion_enabled: Annotated[bool, Var("DAILYMOTION_ENABLED", "false turns the Dailymotion lookup off")] = True
    provider_breaker_failures: Annotated[
        int, Var("SUBDUB_PROVIDER_BREAKER_FAILURES", "failures that open a provider's circuit", minimum=1)
    ] = 10
    provider_breaker_reset_s: Annotated[
        float, Var("SUBDUB_PROVIDER_BREAKER_RESET_SECONDS", "how long the circuit stays open")
    ] = 30.0
    provider_cache_mb: Annotated[int, Var("SUBDUB_PROVIDER_CACHE_MB", "in-process provider cache (MiB)", minimum=1)] = (
        64
    )
    clip_cache_mb: Annotated[int, Var("SUBDUB_CLIP_CACHE_MB", "synthesized-clip cache budget (MiB)")] = 4096
    clip_cache_prune_interval_s: Annotated[
        float, Var("SUBDUB_CLIP_CACHE_PRUNE_SECONDS", "how often a worker prunes the clip cache")
    ] = 3600.0
    # Identity: token lifetimes, password hashing cost, rate limits.
    access_token_ttl_s: Annotated[int, Var("SUBDUB_ACCESS_TOKEN_TTL_SECONDS", "access-token lifetime", minimum=1)] = 900
    refresh_token_ttl_days: Annotated[
        int, Var("SUBDUB_REFRESH_TOKEN_TTL_DAYS", "refresh-token lifetime", minimum=1)
    ] = 30
    argon2_time_cost: Annotated[int, Var("SUBDUB_ARGON2_TIME_COST", "Argon2id iterations", minimum=1)] = 3
    argon2_memory_kib: Annotated[int, Var("SUBDUB_ARGON2_MEMORY_KIB", "Argon2id memory", minimum=8)] = 65536
    argon2_parallelism: Annotated[int, Var("SUBDUB_ARGON2_PARALLELISM", "Argon2id lanes", minimum=1)] = 4
    rate_limit_per_minute: Annotated[
        int, Var("SUBDUB_RATE_LIMIT_PER_MINUTE", "requests per signed-in user", minimum=1)
    ] = 600
    auth_rate_limit_per_minute: Annotated[
        int, Var("SUBDUB_AUTH_RATE_LIMIT_PER_MINUTE", "login/register per client IP", minimum=1)
    ] = 20
    login_max_failures: Annotated[int, Var("SUBDUB_LOGIN_MAX_FAILURES", "failed logins before 429", minimum=1)] = 5
    login_failure_window_s: Annotated[
        int, Var("SUBDUB_LOGIN_FAILURE_WINDOW_SECONDS", "window of counted failures", minimum=1)
    ] = 900
    auth_cache_s: Annotated[int, Var("SUBDUB_AUTH_CACHE_SECONDS", "token epoch and role cache", minimum=1)] = 10
    invitation_ttl_hours: Annotated[
        float, Var("SUBDUB_INVITATION_TTL_HOURS", "how long a project invitation can be accepted")
    ] = 168.0
    # Jobs (renders): retries, heartbeats and the recovery of jobs whose worker died.
    job_max_attempts: Annotated[
        int, Var("SUBDUB_JOB_MAX_ATTEMPTS", "runs of a job before it is dead-lettered", minimum=1)
    ] = 5
    job_retention_days: Annotated[int, Var("SUBDUB_JOB_RETENTION_DAYS", "days finished jobs are kept (0: all)")] = 30
    job_retention_cron: Annotated[str, Var("SUBDUB_JOB_RETENTION_CRON", "when the retention job runs", cron=True)] = (
        "17 3 * * *"
    )
    job_retry_base_s: Annotated[float, Var("SUBDUB_JOB_RETRY_BASE_SECONDS", "backoff base")] = 2.0
    job_retry_max_s: Annotated[float, Var("SUBDUB_JOB_RETRY_MAX_SECONDS", "backoff cap")] = 300.0
    worker_heartbeat_s: Annotated[float, Var("SUBDUB_WORKER_HEARTBEAT_SECONDS", "worker heartbeat")] = 5.0
    job_stalled_after_s: Annotated[
        float, Var("SUBDUB_JOB_STALLED_AFTER_SECONDS", "silence before jobs are requeued")
    ] = 30.0
    job_recovery_interval_s: Annotated[
        float, Var("SUBDUB_JOB_RECOVERY_INTERVAL_SECONDS", "dead workers' jobs sweep")
    ] = 10.0
    worker_poll_s: Annotated[float, Var("SUBDUB_WORKER_POLL_SECONDS", "fallback poll for due retries")] = 2.0
    render_heartbeat_s: Annotated[float, Var("SUBDUB_RENDER_HEARTBEAT_SECONDS", "render progress interval")] = 2.0
    # Fair sharing of the workers between users.
    renders_queued_per_user: Annotated[
        int, Var("SUBDUB_RENDERS_QUEUED_PER_USER", "renders one user may have waiting (429 beyond)", minimum=1)
    ] = 10
    renders_running_per_user: Annotated[
        int, Var("SUBDUB_RENDERS_RUNNING_PER_USER", "renders of one user running at once, all workers", minimum=1)
    ] = 2
    worker_small_render_slots: Annotated[
        int, Var("SUBDUB_WORKER_SMALL_RENDER_SLOTS", "slots a worker keeps for small renders, beyond its concurrency")
    ] = 1
    small_render_cues: Annotated[
        int, Var("SUBDUB_SMALL_RENDER_CUES", "a render of at most this many cues is small", minimum=1)
    ] = 200
    worker_metrics_port: Annotated[
        int | None, Var("SUBDUB_WORKER_METRICS_PORT", "worker's own metrics port", minimum=1)
    ] = None
    # Blob store: renders, uploaded media and the clip cache (shared by every worker when it is a bucket).
    blob_url: Annotated[
        str | None,
        Var(
            "SUBDUB_BLOB_URL",
            "file:///path or s3://bucket/prefix (AWS S3, MinIO, R2, GCS interop)",
            schemes=("file", "s3"),
            default_doc="<data dir>/blobs",
        ),
    ] = None
    blob_purge_interval_s: Annotated[
        float, Var("SUBDUB_BLOB_PURGE_SECONDS", "how often a worker deletes the files of deleted projects")
    ] = 60.0
    aws_access_key_id: Annotated[str | None, Var("AWS_ACCESS_KEY_ID", "S3 access key")] = None
    aws_secret_access_key: Annotated[str | None, Var("AWS_SECRET_ACCESS_KEY", "S3 secret key")] = None
    aws_session_token: Annotated[str | None, Var("AWS_SESSION_TOKEN", "S3 session token (temporary credentials)")] = (
        None
    )
    aws_region: Annotated[str | None, Var("AWS_REGION", "S3 region", default_doc="us-east-1")] = None
    aws_endpoint_url: Annotated[
        str | None, Var("AWS_ENDPOINT_URL", "S3 endpoint override (MinIO, R2, any S3-compatible server)", schemes=HTTP)
    ] = None

    @property
    def is_production(self) -> bool:
        return self.env == "production"


def load_settings(environ: dict[str, str] | None = None, *, dotenv_path: Path | None = None) -> Settings:
    """Build Settings from the environment; raises SettingsError naming the first bad variable."""
    env_vars = dict(os.environ if environ is None else environ)
    env = read(Settings, {"SUBDUB_ENV": env_vars.get("SUBDUB_ENV", "")}).get("env", "development")
    if env == "development":
        path = dotenv_path or Path(".env")
        if path.exists():
            for key, value in dotenv_values(path).items():
                if value is not None:
                    env_vars.setdefault(key, value)
    values = read(Settings, env_vars)
    settings = Settings(**values)
    _check(settings, set(values))
    return msgspec.structs.replace(
        settings,
        jwt_secret=_jwt_secret(settings),
        log_format=settings.log_format if "log_format" in values or env == "development" else "json",
    )


def _check(settings: Settings, given: set[str]) -> None:
    """Rules between variables, and production's refusals of unsafe values."""
    if settings.database_pool_max < settings.database_pool_min:
        raise SettingsError("DATABASE_POOL_MAX", f"must be >= DATABASE_POOL_MIN ({settings.database_pool_min})")
    credentials = settings.google_application_credentials
    if credentials and not Path(credentials).is_file():
        raise SettingsError("GOOGLE_APPLICATION_CREDENTIALS", f"no such file: {credentials}")
    _check_blob_url(settings.blob_url)
    for proxy in settings.trusted_proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise SettingsError("SUBDUB_TRUSTED_PROXIES", f"{proxy!r} is not an address or network") from None
    if settings.jwt_secret and len(settings.jwt_secret) < 32:
        raise SettingsError("SUBDUB_JWT_SECRET", "must be at least 32 characters")
    if not settings.is_production:
        return
    if "*" in settings.cors_origins:
        raise SettingsError("SUBDUB_CORS_ORIGINS", "'*' is refused in production; list the origins")
    if "log_format" in given and settings.log_format != "json":
        raise SettingsError("SUBDUB_LOG_FORMAT", "must be json in production")
    if not settings.database_url:
        raise SettingsError("DATABASE_URL", "is required in production (the embedded server is for development)")
    if not settings.jwt_secret:
        raise SettingsError("SUBDUB_JWT_SECRET", "is required in production")


def _check_blob_url(url: str | None) -> None:
    if url and url.startswith("s3://") and not url.removeprefix("s3://").split("/")[0]:
        raise SettingsError("SUBDUB_BLOB_URL", "an s3:// URL names a bucket: s3://bucket/optional/prefix")
    if url and url.startswith("file://") and not url.removeprefix("file://"):
        raise SettingsError("SUBDUB_BLOB_URL", "a file:// URL names a directory: file:///srv/subdub/blobs")


def _jwt_secret(settings: Settings) -> str:
    """The configured key, else (development and test) a random one kept in the data directory."""
    if settings.jwt_secret:
        return settings.jwt_secret
    key_file = settings.data_dir / "jwt-secret"
    if key_file.exists():
        return key_file.read_text().strip()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    key_file.write_text(secret)
    key_file.chmod(0o600)
    return secret
