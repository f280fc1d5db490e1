"""What media handling needs: probing an upload, storing its record, and delivering a dub inside it."""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO, Protocol
from uuid import UUID

import msgspec

from application.pagination import PageOf, PageRequest
from domain.media import Media, MediaStream
from domain.render_report import DeliveryReport


class ProbedMedia(msgspec.Struct, frozen=True, kw_only=True):
    container: str
    duration_ms: int
    streams: tuple[MediaStream, ...]


class MediaProbe(Protocol):
    def probe(self, source: BinaryIO) -> ProbedMedia:
        """Reads the whole file (every packet, none decoded but the first audio frames); raises
        InvalidInput `not_media`, `corrupt_media` or `truncated_media` naming what failed."""
        ...


class MediaRepository(Protocol):
    async def add(self, media: Media) -> None: ...

    async def get(self, project_id: UUID, media_id: UUID) -> Media | None: ...

    async def find_for_track(self, track_id: UUID, media_id: UUID) -> Media | None:
        """The media when it belongs to the project of the track (renders name media by id alone)."""
        ...

    async def list_for_project(self, project_id: UUID, page: PageRequest[UUID]) -> PageOf[Media]:
        """The project's media by id (position: the media id)."""
        ...

    async def delete(self, project_id: UUID, media_id: UUID) -> bool: ...

    async def delete_for_project(self, project_id: UUID) -> list[Media]:
        """Removes every media record of the project; returns them (their blobs are the caller's to delete)."""
        ...


class DubDelivery(msgspec.Struct, frozen=True, kw_only=True):
    """How the voice stem becomes the delivered file."""

    format: str  # a container (mkv, mp4, webm: the source's streams kept) or an audio format (the mix alone)
    mix: str  # voice | voiceover | replace
    bed_stream: int | None  # the original's audio stream under the voice (voiceover)
    duck_db: float
    attack_ms: int
    release_ms: int
    speech: tuple[tuple[int, int], ...]  # ms spans where the voice speaks (from the fit report)
    language: str | None  # BCP-47
    title: str
    dub_default: bool


class MediaDeliverer(Protocol):
    def deliver(
        self,
        plan: DubDelivery,
        *,
        voice: BinaryIO,
        original: BinaryIO | None,
        bed: BinaryIO | None,
        sink: BinaryIO,
        progress: Callable[[float], None],
    ) -> DeliveryReport:
        """Blocking. `original`: the source whose streams a container delivery keeps (and whose length
        the delivery has); `bed`: a handle of its own on the file the voice is mixed over (the original
        for voiceover, the music-and-effects stem for replace). `progress` gets the fraction done now
        and then and may raise to stop the work."""
        ...
