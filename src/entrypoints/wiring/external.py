"""The external-provider adapters, built from settings.

A provider without configuration is None: its routes answer `provider_disabled`, health says `disabled`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dependency_injector import containers, providers

from adapters.cache.health import CacheHealthProbe
from adapters.cache.layered import LayeredCache
from adapters.cache.memory import LruTtlCache
from adapters.cache.redis import RedisCache
from adapters.catalog.dailymotion import DailymotionVideoCatalog
from adapters.catalog.opensubtitles import OpenSubtitlesCatalog
from adapters.http.client import ResilientHttpClient, is_breaker_failure
from adapters.http.health import ProviderHealthProbe
from adapters.http.resilience import AsyncCircuitBreaker
from adapters.tts.google import GoogleSpeechSynthesizer
from adapters.tts.google_auth import ApiKeyCredentials, GoogleCredentials, ServiceAccountCredentials
from adapters.tts.openai import OpenAiSpeechSynthesizer, parse_voices
from application.ports.health import HealthProbe
from entrypoints.settings import Settings
from entrypoints.wiring.resources import Closes, closed_at_exit

USER_AGENT = "subdub v0.1.0"


@dataclass
class ExternalProviders:
    cache: LayeredCache
    opensubtitles: OpenSubtitlesCatalog | None = None
    dailymotion: DailymotionVideoCatalog | None = None
    google_tts: GoogleSpeechSynthesizer | None = None
    openai_tts: OpenAiSpeechSynthesizer | None = None
    clients: list[ResilientHttpClient] = field(default_factory=list)

    def health_probes(self) -> list[HealthProbe]:
        os_quota = self.opensubtitles.quota if self.opensubtitles else None
        return [
            CacheHealthProbe(self.cache),
            ProviderHealthProbe("opensubtitles", self.opensubtitles.client if self.opensubtitles else None, os_quota),
            ProviderHealthProbe("dailymotion", self.dailymotion.client if self.dailymotion else None),
            ProviderHealthProbe("google_tts", self.google_tts.client if self.google_tts else None),
            ProviderHealthProbe("openai_tts", self.openai_tts.client if self.openai_tts else None),
        ]

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()
        if self.cache.remote is not None:
            await self.cache.remote.aclose()


def make_cache(settings: Settings) -> LayeredCache:
    local = LruTtlCache(max_bytes=settings.provider_cache_mb * 1024 * 1024)
    remote = RedisCache.from_url(settings.redis_url, prefix="subdub:providers:") if settings.redis_url else None
    return LayeredCache(local, remote)


def _client(settings: Settings, provider: str, base_url: str, *, follow_redirects: bool = False) -> ResilientHttpClient:
    return ResilientHttpClient(
        provider=provider,
        base_url=base_url,
        connect_timeout_s=settings.http_connect_timeout_s,
        read_timeout_s=settings.http_read_timeout_s,
        breaker=AsyncCircuitBreaker(
            provider,
            fail_max=settings.provider_breaker_failures,
            reset_timeout_s=settings.provider_breaker_reset_s,
            is_failure=is_breaker_failure,
        ),
        follow_redirects=follow_redirects,
    )


def google_credentials(settings: Settings) -> GoogleCredentials | None:
    if settings.google_application_credentials:
        return ServiceAccountCredentials(
            settings.google_application_credentials, timeout_s=settings.http_read_timeout_s
        )
    if settings.google_tts_api_key:
        return ApiKeyCredentials(settings.google_tts_api_key)
    return None


def build_external_providers(settings: Settings) -> ExternalProviders:
    external = ExternalProviders(cache=make_cache(settings))
    if settings.opensubtitles_api_key:
        client = _client(settings, "opensubtitles", settings.opensubtitles_base_url, follow_redirects=True)
        external.clients.append(client)
        external.opensubtitles = OpenSubtitlesCatalog(
            client,
            external.cache,
            api_key=settings.opensubtitles_api_key,
            user_agent=USER_AGENT,
            username=settings.opensubtitles_username,
            password=settings.opensubtitles_password,
        )
    if settings.dailymotion_enabled:
        client = _client(settings, "dailymotion", settings.dailymotion_base_url)
        external.clients.append(client)
        external.dailymotion = DailymotionVideoCatalog(client, external.cache)
    credentials = google_credentials(settings)
    if credentials is not None:
        client = _client(settings, "google_tts", settings.google_tts_base_url)
        external.clients.append(client)
        external.google_tts = GoogleSpeechSynthesizer(
            client,
            credentials,
            external.cache,
            concurrency=settings.google_tts_concurrency,
            requests_per_minute=settings.google_tts_requests_per_minute,
        )
    if settings.openai_tts_base_url:
        client = _client(settings, "openai_tts", settings.openai_tts_base_url)
        external.clients.append(client)
        external.openai_tts = OpenAiSpeechSynthesizer(
            client,
            base_url=settings.openai_tts_base_url,
            model=settings.openai_tts_model,
            voices=parse_voices(settings.openai_tts_voices, 24000),
            api_key=settings.openai_tts_api_key,
            concurrency=settings.openai_tts_concurrency,
            requests_per_minute=settings.openai_tts_requests_per_minute,
        )
    return external


class ExternalContainer(containers.DeclarativeContainer):
    """The external providers; a disabled one is None (its routes answer `provider_disabled`)."""

    settings = providers.Dependency(instance_of=Settings)

    external = providers.Singleton(build_external_providers, settings)
    external_closed = Closes(closed_at_exit, external)
    subtitle_catalog = providers.Callable(lambda external: external.opensubtitles, external)
    video_catalog = providers.Callable(lambda external: external.dailymotion, external)
    google_speech = providers.Callable(lambda external: external.google_tts, external)
    openai_speech = providers.Callable(lambda external: external.openai_tts, external)
    health_probes = providers.Callable(lambda external: external.health_probes(), external)
