"""Catalogue routes: subtitle search (OpenSubtitles), video metadata (Dailymotion), voices of every engine."""

from __future__ import annotations

import io
import wave
from datetime import datetime
from typing import Annotated
from urllib.parse import quote

import msgspec
from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from application.actor import Actor
from application.ports.catalog import SubtitleHit, VideoMetadata
from application.use_cases.catalogue.list_voices import ListVoices
from application.use_cases.catalogue.lookup_video import LookupVideo
from application.use_cases.catalogue.search_subtitles import SearchSubtitles
from application.use_cases.catalogue.voice_sample import GetVoiceSample
from domain.voices import Voice, VoiceRef
from entrypoints.http.errors import problem_responses
from entrypoints.http.pagination import Cursor, Limit, ListIndex, page_out, page_request
from entrypoints.http.schemas import Envelope, Page, PageMeta


class SubtitleHitOut(msgspec.Struct, kw_only=True):
    provider: str
    file_id: int
    language: str | None
    release: str | None
    download_count: int
    fps: float | None
    uploaded_at: datetime | None
    file_name: str | None = None
    hearing_impaired: bool = False
    title: str | None = None

    @classmethod
    def of(cls, hit: SubtitleHit) -> SubtitleHitOut:
        return cls(**msgspec.structs.asdict(hit))


class VideoInfoOut(msgspec.Struct, kw_only=True):
    provider: str
    id: str
    title: str
    duration_ms: int
    language: str | None
    thumbnail_url: str | None

    @classmethod
    def of(cls, video: VideoMetadata) -> VideoInfoOut:
        return cls(**msgspec.structs.asdict(video))


class VoiceInfoOut(msgspec.Struct, kw_only=True):
    engine: str
    name: str
    language: str
    sample_rate: int
    gender: str | None = None
    tier: str | None = None  # neural, formant or cloud
    sample_url: str | None = None

    @classmethod
    def of(cls, voice: Voice) -> VoiceInfoOut:
        return cls(
            engine=voice.engine,
            name=voice.name,
            language=voice.language,
            sample_rate=voice.sample_rate,
            gender=voice.gender,
            tier=voice.tier,
            sample_url=f"/api/v1/voices/{quote(voice.engine, safe='')}/{quote(voice.name, safe='')}/sample",
        )


def wav_bytes(pcm: bytes, sample_rate: int) -> bytes:
    """int16 mono PCM in a WAV container."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm)
    return out.getvalue()


PROVIDER_PROBLEMS = problem_responses(400, 401, 404, 422, 429, 503)


class CatalogueController(Controller):
    path = "/api/v1"
    tags = ["catalogue"]

    @get(
        "/subtitle-search",
        summary="Search OpenSubtitles (cursor = the provider's next page)",
        responses=PROVIDER_PROBLEMS,
    )
    async def search_subtitles(
        self,
        actor: NamedDependency[Actor],
        search_subtitles: NamedDependency[SearchSubtitles],
        text: Annotated[str | None, QueryParameter(name="query", max_length=200, description="title or words")] = None,
        imdb_id: Annotated[str | None, QueryParameter(max_length=12)] = None,
        languages: Annotated[str | None, QueryParameter(max_length=100, description="comma-separated: en,fr")] = None,
        page: Annotated[int | None, QueryParameter(ge=1, le=100, description="provider page (default 1)")] = None,
        cursor: Annotated[
            str | None, QueryParameter(max_length=3, description="next_cursor of the previous page")
        ] = None,
    ) -> Page[SubtitleHitOut]:
        number = page or (int(cursor) if cursor and cursor.isdigit() else 1)
        result = await search_subtitles.execute(actor, query=text, imdb_id=imdb_id, languages=languages, page=number)
        next_cursor = str(result.page + 1) if result.page < result.total_pages else None
        return Page(
            data=[SubtitleHitOut.of(hit) for hit in result.hits],
            meta=PageMeta(limit=max(len(result.hits), 1), next_cursor=next_cursor),
        )

    @get("/videos/dailymotion/{video_id:str}", summary="Dailymotion video metadata", responses=PROVIDER_PROBLEMS)
    async def dailymotion_video(
        self, video_id: FromPath[str], actor: NamedDependency[Actor], lookup_video: NamedDependency[LookupVideo]
    ) -> Envelope[VideoInfoOut]:
        return Envelope(data=VideoInfoOut.of(await lookup_video.execute(actor, video_id)))

    @get(
        "/voices/{engine:str}/{name:str}/sample",
        summary="A few seconds of a voice (WAV), to choose by ear",
        media_type="audio/wav",
        responses=problem_responses(400, 401, 404, 422, 503),
    )
    async def voice_sample(
        self,
        actor: NamedDependency[Actor],
        engine: FromPath[str],
        name: FromPath[str],
        get_voice_sample: NamedDependency[GetVoiceSample],
    ) -> Response[bytes]:
        sample = await get_voice_sample.execute(VoiceRef(engine=engine, name=name))
        return Response(
            wav_bytes(sample.pcm, sample.sample_rate),
            media_type="audio/wav",
            headers={"Cache-Control": "private, max-age=86400", "X-Sample-Text": quote(sample.text)},
        )

    @get("/voices", summary="Voices of every enabled speech engine", responses=problem_responses(400, 401, 503))
    async def voices(
        self,
        actor: NamedDependency[Actor],
        list_voices: NamedDependency[ListVoices],
        engine: Annotated[str | None, QueryParameter(max_length=32)] = None,
        language: Annotated[str | None, QueryParameter(max_length=16)] = None,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> Page[VoiceInfoOut]:
        page = page_request(limit, cursor, ListIndex)
        return page_out(
            await list_voices.execute(actor, page, engine=engine, language=language), limit, VoiceInfoOut.of
        )
