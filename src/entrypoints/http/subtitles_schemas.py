"""Request and response shapes of projects, members, tracks, cues and sync (API.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec

from application.ports.projects import ProjectAccess
from application.ports.tracks import StoredCue
from application.use_cases.subtitles.sync import Rejection
from domain.projects import Member, VideoRef
from domain.subtitles import Cue, Track
from domain.voices import VoiceRef


class VideoIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    provider: str
    id: str


class ProjectIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    title: str
    video: VideoIn | None = None


class ProjectPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    title: str | None = None


class ProjectVideoOut(msgspec.Struct, kw_only=True):
    provider: str
    id: str
    status: str
    title: str | None = None
    duration_ms: int | None = None
    language: str | None = None
    thumbnail_url: str | None = None

    @classmethod
    def of(cls, video: VideoRef) -> ProjectVideoOut:
        return cls(**msgspec.structs.asdict(video))


class ProjectOut(msgspec.Struct, kw_only=True):
    id: UUID
    title: str
    role: str
    owner_id: UUID
    version: int
    created_at: datetime
    updated_at: datetime
    video: ProjectVideoOut | None = None

    @classmethod
    def of(cls, access: ProjectAccess) -> ProjectOut:
        p = access.project
        return cls(
            id=p.id,
            title=p.title,
            role=access.role.value if access.role else "",
            owner_id=p.owner_id,
            version=p.version,
            created_at=p.created_at,
            updated_at=p.updated_at,
            video=None if p.video is None else ProjectVideoOut.of(p.video),
        )


class MemberIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    email: str
    role: Literal["editor", "viewer"]


class MemberOut(msgspec.Struct, kw_only=True):
    user_id: UUID
    email: str
    display_name: str
    role: str

    @classmethod
    def of(cls, member: Member) -> MemberOut:
        return cls(user_id=member.user_id, email=member.email, display_name=member.display_name, role=member.role.value)


class CueFields(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    start_ms: int
    end_ms: int
    text: str
    speaker: str | None = None
    spoken: bool = True


class TrackIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    language: str
    label: str = ""
    cues: list[CueFields] = msgspec.field(default_factory=list)


class TrackPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    label: str | None = None
    language: str | None = None


class SourceOut(msgspec.Struct, kw_only=True, omit_defaults=True):
    kind: str
    format: str | None = None
    filename: str | None = None


class TrackOut(msgspec.Struct, kw_only=True):
    id: UUID
    project_id: UUID
    language: str
    label: str
    cue_count: int
    duration_ms: int
    source: SourceOut
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, track: Track) -> TrackOut:
        s = track.source
        return cls(
            id=track.id,
            project_id=track.project_id,
            language=track.language,
            label=track.label,
            cue_count=track.cue_count,
            duration_ms=track.duration_ms,
            source=SourceOut(kind=s.kind, format=None if s.format is None else s.format.value, filename=s.filename),
            version=track.version,
            created_at=track.created_at,
            updated_at=track.updated_at,
        )


class CreatedTrackOut(TrackOut, kw_only=True):
    warnings: list[str] = msgspec.field(default_factory=list)


class CueVoiceIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    engine: str
    name: str

    def to_ref(self) -> VoiceRef:
        return VoiceRef(engine=self.engine.strip(), name=self.name.strip())


class CueVoiceOut(msgspec.Struct, kw_only=True):
    engine: str
    name: str


class CueIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    start_ms: int
    end_ms: int
    text: str
    id: UUID | None = None
    voice: CueVoiceIn | None = None
    speaker: str | None = None
    spoken: bool = True


class CuePatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    start_ms: int | None = None
    end_ms: int | None = None
    text: str | None = None
    voice: CueVoiceIn | msgspec.UnsetType | None = msgspec.UNSET
    speaker: str | msgspec.UnsetType | None = msgspec.UNSET
    spoken: bool | None = None


class CueOut(msgspec.Struct, kw_only=True):
    id: UUID
    start_ms: int
    end_ms: int
    text: str
    updated_at: datetime
    version: int
    voice: CueVoiceOut | None = None
    speaker: str | None = None
    spoken: bool = True

    @classmethod
    def of(cls, cue: Cue, version: int) -> CueOut:
        voice = None if cue.voice is None else CueVoiceOut(engine=cue.voice.engine, name=cue.voice.name)
        return cls(
            id=cue.id,
            start_ms=cue.start_ms,
            end_ms=cue.end_ms,
            text=cue.text,
            updated_at=cue.updated_at,
            version=version,
            voice=voice,
            speaker=cue.speaker,
            spoken=cue.spoken,
        )

    @classmethod
    def stored(cls, stored: StoredCue) -> CueOut:
        return cls.of(stored.cue, stored.seq)


class ChangeIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    id: UUID
    updated_at: datetime
    start_ms: int | None = None
    end_ms: int | None = None
    text: str | None = None
    voice: CueVoiceIn | msgspec.UnsetType | None = msgspec.UNSET
    speaker: str | msgspec.UnsetType | None = msgspec.UNSET
    spoken: bool | None = None
    deleted: bool = False


class SyncIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    changes: list[ChangeIn]
    cursor: str | None = None


class RejectionOut(msgspec.Struct, kw_only=True):
    id: UUID
    reason: str
    server: CueOut | None

    @classmethod
    def of(cls, rejection: Rejection) -> RejectionOut:
        server = None if rejection.server is None else CueOut.stored(rejection.server)
        return cls(id=rejection.id, reason=rejection.reason, server=server)


class SyncOut(msgspec.Struct, kw_only=True):
    applied: list[UUID]
    rejected: list[RejectionOut]
    cursor: str


class ChangeOut(CueOut, kw_only=True):
    deleted: bool = False

    @classmethod
    def change(cls, stored: StoredCue) -> ChangeOut:
        out = CueOut.stored(stored)
        return cls(**msgspec.structs.asdict(out), deleted=stored.deleted)


class ChangesOut(msgspec.Struct, kw_only=True):
    changes: list[ChangeOut]
    cursor: str
    has_more: bool
