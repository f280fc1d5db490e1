"""Bodies of the project media routes (API.md: Next wave)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from domain.media import Media, MediaStream


class StreamOut(msgspec.Struct, kw_only=True, omit_defaults=True):
    index: int
    type: str
    codec: str
    language: str | None = None
    channels: int | None = None
    sample_rate: int | None = None
    default: bool = False

    @classmethod
    def of(cls, stream: MediaStream) -> StreamOut:
        return cls(**msgspec.structs.asdict(stream))


class MediaOut(msgspec.Struct, kw_only=True):
    id: UUID
    project_id: UUID
    role: str
    kind: str
    container: str
    duration_ms: int
    streams: list[StreamOut]
    size_bytes: int
    filename: str | None
    created_at: datetime

    @classmethod
    def of(cls, media: Media) -> MediaOut:
        return cls(
            id=media.id,
            project_id=media.project_id,
            role=media.role,
            kind=media.kind,
            container=media.container,
            duration_ms=media.duration_ms,
            streams=[StreamOut.of(s) for s in media.streams],
            size_bytes=media.size_bytes,
            filename=media.filename,
            created_at=media.created_at,
        )
