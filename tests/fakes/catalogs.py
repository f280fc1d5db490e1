"""In-memory fakes of the provider ports, for use-case and route tests (same contract suite as the real adapters)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from application.errors import InvalidInput, NotFound, ProviderAuthFailed, ProviderQuotaExhausted
from application.ports.catalog import (
    DownloadedSubtitleFile,
    DownloadQuota,
    SubtitleHit,
    SubtitleQuery,
    SubtitleSearchResult,
    VideoMetadata,
)
from application.ports.speech import SpeechClip, SynthesisFailed, SynthesisRequest
from domain.voices import Voice
from tests.fakes.provider_servers import SUBRIP


class FakeSubtitleCatalog:
    provider = "opensubtitles"

    def __init__(self, *, downloads_remaining: int = 19) -> None:
        self.files: dict[int, DownloadedSubtitleFile] = {
            1001: DownloadedSubtitleFile(file_id=1001, file_name="sample.srt", content=SUBRIP)
        }
        self.downloads_remaining = downloads_remaining
        self.reset_at = datetime(2030, 1, 1, 23, 59, 59, tzinfo=UTC)
        self.searches: list[SubtitleQuery] = []
        self._quota: DownloadQuota | None = None

    def file_ids(self) -> list[int]:
        return list(self.files)

    def quota(self) -> DownloadQuota | None:
        return self._quota

    async def search(self, query: SubtitleQuery) -> SubtitleSearchResult:
        if not (query.query or query.imdb_id):
            raise InvalidInput("give a query or an imdb_id to search subtitles")
        self.searches.append(query)
        if (query.query or "").startswith("nothing"):
            return SubtitleSearchResult(hits=(), page=1, total_pages=0, total_count=0)
        hits = tuple(
            SubtitleHit(
                provider=self.provider,
                file_id=f.file_id,
                language=(query.languages or ("en",))[0],
                release=f.file_name.removesuffix(".srt"),
                download_count=1,
                fps=25.0,
                uploaded_at=datetime(2020, 1, 2, tzinfo=UTC),
                file_name=f.file_name,
            )
            for f in self.files.values()
        )
        return SubtitleSearchResult(hits=hits, page=query.page, total_pages=1, total_count=len(hits))

    async def download(self, file_id: int) -> DownloadedSubtitleFile:
        if file_id not in self.files:
            raise NotFound("subtitle file", file_id)
        if self.downloads_remaining <= 0:
            self._quota = DownloadQuota(remaining=0, reset_at=self.reset_at)
            reset_at = self.reset_at.isoformat().replace("+00:00", "Z")
            raise ProviderQuotaExhausted(
                self.provider, f"download quota exhausted; it resets at {reset_at}", reset_at=reset_at
            )
        self.downloads_remaining -= 1
        self._quota = DownloadQuota(remaining=self.downloads_remaining, reset_at=self.reset_at)
        return self.files[file_id]


class FakeVideoCatalog:
    provider = "dailymotion"

    def __init__(self) -> None:
        self.videos = {
            "x7lni3": VideoMetadata(
                provider="dailymotion",
                id="x7lni3",
                title="Mario Kart (Rémi Gaillard)",
                duration_ms=136_000,
                language="fr",
                thumbnail_url="https://s1.dmcdn.net/v/mj4x1bEbl-7_HjN8",
            )
        }

    async def video(self, video_id: str) -> VideoMetadata:
        if video_id not in self.videos:
            raise NotFound("video", video_id)
        return self.videos[video_id]


class FakeGoogleSpeech:
    """Silence of a length proportional to the text and inverse to the rate, like the real engine's timing."""

    engine = "google"
    engine_version = "fake-google/1"

    def __init__(self, *, sample_rate: int = 24000, refuse_credentials: bool = False) -> None:
        self.sample_rate = sample_rate
        self.refuse_credentials = refuse_credentials
        self.calls = 0

    async def list_voices(self) -> Sequence[Voice]:
        return [
            Voice(engine="google", name="en-US-Standard-A", language="en-US", sample_rate=24000, gender="male"),
            Voice(engine="google", name="fr-FR-Standard-A", language="fr-FR", sample_rate=24000, gender="female"),
        ]

    async def synthesize(self, requests: Sequence[SynthesisRequest]) -> list[SpeechClip]:
        if self.refuse_credentials:
            failure = SynthesisFailed("google", 0, "credentials refused")
            failure.code = ProviderAuthFailed.code
            failure.retryable = False  # type: ignore[attr-defined]
            raise failure
        self.calls += len(requests)
        clips = []
        for request in requests:
            rate = min(4.0, max(0.25, request.rate))
            samples = int(self.sample_rate * 0.06 * max(1, len(request.text)) / rate / 10)
            clips.append(SpeechClip(pcm=b"\x10\x00" * samples, sample_rate=self.sample_rate))
        return clips
