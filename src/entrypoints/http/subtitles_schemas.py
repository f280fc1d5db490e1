"""Request and response shapes of projects, members, tracks, cues and sync (API.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from application.ports.projects import ProjectAccess
from application.ports.subtitles import ParsedSubtitles
from application.ports.tracks import StoredCue
from application.use_cases.subtitles.common import MAX_CUES_PER_REQUEST, MAX_SYNC_CHANGES
from application.use_cases.subtitles.sync import Rejection
from domain.invitations import Invitation, InvitationView
from domain.projects import MAX_TITLE_CHARS, Member, VideoRef
from domain.subtitles import MAX_CUE_TEXT_CHARS, MAX_LABEL_CHARS, MAX_SPEAKER_CHARS, MAX_TIMELINE_MS, Cue, Track
from domain.users import MAX_EMAIL_LENGTH
from domain.voices import MAX_ENGINE_CHARS, MAX_VOICE_NAME_CHARS, VoiceRef


# Bounds published in the OpenAPI document. The domain enforces them (422 naming the field, like every
# other rule of these values), so the schema only documents them.
def _bounded(max_chars: int, example: str, min_chars: int = 0) -> msgspec.Meta:
    bounds = {"maxLength": max_chars} | ({"minLength": min_chars} if min_chars else {})
    return msgspec.Meta(extra_json_schema=bounds, examples=[example])


Title = Annotated[str, _bounded(MAX_TITLE_CHARS, "Episode 1", 1)]
Label = Annotated[str, _bounded(MAX_LABEL_CHARS, "English (SDH)")]
Language = Annotated[str, _bounded(35, "pt-BR", 2)]
CueText = Annotated[str, _bounded(MAX_CUE_TEXT_CHARS, "Where were you last night?", 1)]
TimeMs = Annotated[int, msgspec.Meta(extra_json_schema={"minimum": 0, "maximum": MAX_TIMELINE_MS}, examples=[1500])]
Engine = Annotated[str, _bounded(MAX_ENGINE_CHARS, "espeak", 1)]
VoiceName = Annotated[str, _bounded(MAX_VOICE_NAME_CHARS, "en-us", 1)]
Email = Annotated[str, _bounded(MAX_EMAIL_LENGTH, "grace@example.com", 3)]
Speaker = Annotated[str, _bounded(MAX_SPEAKER_CHARS, "Narrator")]
ProviderName = Annotated[str, _bounded(32, "dailymotion", 1)]
ProviderId = Annotated[str, _bounded(64, "x8abc12", 1)]


class VideoIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    provider: ProviderName
    id: ProviderId


class ProjectIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    title: Title
    video: VideoIn | None = None


class ProjectPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    title: Title | None = None


class VideoOut(msgspec.Struct, kw_only=True):
    provider: str
    id: str
    status: str
    title: str | None = None
    duration_ms: int | None = None
    language: str | None = None
    thumbnail_url: str | None = None

    @classmethod
    def of(cls, video: VideoRef) -> VideoOut:
        return cls(**msgspec.structs.asdict(video))


class ProjectOut(msgspec.Struct, kw_only=True):
    id: UUID
    title: str
    role: str
    owner_id: UUID
    version: int
    created_at: datetime
    updated_at: datetime
    video: VideoOut | None = None

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
            video=None if p.video is None else VideoOut.of(p.video),
        )


class MemberIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    email: Email
    role: Literal["editor", "viewer"]


class MemberOut(msgspec.Struct, kw_only=True):
    """A member (`status: active`) or, for the project's managers only, a pending invitation (`user_id` null,
    `display_name` empty, `invitation_id` and `expires_at` set): it never says whether the email has an account."""

    user_id: UUID | None
    email: str
    display_name: str
    role: str
    status: Literal["active", "pending"] = "active"
    invitation_id: UUID | None = None
    expires_at: datetime | None = None

    @classmethod
    def of(cls, entry: Member | Invitation) -> MemberOut:
        if isinstance(entry, Invitation):
            return cls(
                user_id=None,
                email=entry.email,
                display_name="",
                role=entry.role.value,
                status="pending",
                invitation_id=entry.id,
                expires_at=entry.expires_at,
            )
        return cls(user_id=entry.user_id, email=entry.email, display_name=entry.display_name, role=entry.role.value)


class InvitationOut(msgspec.Struct, kw_only=True):
    """The answer to an invitation, identical whether or not the email has an account."""

    id: UUID
    project_id: UUID
    email: str
    role: str
    status: Literal["pending"] = "pending"
    created_at: datetime
    expires_at: datetime

    @classmethod
    def of(cls, invitation: Invitation) -> InvitationOut:
        return cls(
            id=invitation.id,
            project_id=invitation.project_id,
            email=invitation.email,
            role=invitation.role.value,
            created_at=invitation.created_at,
            expires_at=invitation.expires_at,
        )


class ReceivedInvitationOut(InvitationOut, kw_only=True):
    """An invitation as its addressee sees it: with the title of the project."""

    project_title: str

    @classmethod
    def received(cls, view: InvitationView) -> ReceivedInvitationOut:
        base = msgspec.structs.asdict(InvitationOut.of(view.invitation))
        return cls(**base, project_title=view.project_title)


class CueFields(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, gc=False):
    start_ms: TimeMs
    end_ms: TimeMs
    text: CueText
    speaker: Speaker | None = None
    spoken: bool = True


class TrackIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    language: Language
    label: Label = ""
    cues: Annotated[list[CueFields], msgspec.Meta(description=f"at most {MAX_CUES_PER_REQUEST} cues (413 beyond)")] = (
        msgspec.field(default_factory=list)
    )


class TrackPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    label: Label | None = None
    language: Language | None = None


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


class SkippedOut(msgspec.Struct, kw_only=True):
    line: int
    reason: str


class SpeakerCountOut(msgspec.Struct, kw_only=True):
    name: str
    cues: int


class ImportReportOut(msgspec.Struct, kw_only=True):
    """What reading an uploaded file found: how many cues, which were skipped and why, how it was decoded."""

    cues_read: int
    skipped: list[SkippedOut]  # the first 1000, by line
    skipped_total: int
    encoding: str
    confidence: float
    speakers: list[SpeakerCountOut]
    non_speech: int

    @classmethod
    def of(cls, parsed: ParsedSubtitles) -> ImportReportOut:
        return cls(
            cues_read=len(parsed.cues),
            skipped=[SkippedOut(line=s.line, reason=s.reason) for s in parsed.skipped],
            skipped_total=parsed.skipped_total,
            encoding=parsed.encoding,
            confidence=parsed.confidence,
            speakers=[SpeakerCountOut(name=name, cues=count) for name, count in parsed.speakers.items()],
            non_speech=parsed.non_speech,
        )


class CreatedTrackOut(TrackOut, kw_only=True):
    warnings: list[str] = msgspec.field(default_factory=list)
    report: ImportReportOut | None = None


class VoiceIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, gc=False):
    engine: Engine
    name: VoiceName

    def to_ref(self) -> VoiceRef:
        return VoiceRef(engine=self.engine.strip(), name=self.name.strip())


class VoiceOut(msgspec.Struct, kw_only=True, gc=False):
    engine: str
    name: str


class CueIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    start_ms: TimeMs
    end_ms: TimeMs
    text: CueText
    id: UUID | None = None
    voice: VoiceIn | None = None
    speaker: Speaker | None = None
    spoken: bool = True


class CuePatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    start_ms: TimeMs | None = None
    end_ms: TimeMs | None = None
    text: CueText | None = None
    voice: VoiceIn | msgspec.UnsetType | None = msgspec.UNSET
    speaker: Speaker | msgspec.UnsetType | None = msgspec.UNSET
    spoken: bool | None = None


class CueOut(msgspec.Struct, kw_only=True, gc=False):
    id: UUID
    start_ms: int
    end_ms: int
    text: str
    updated_at: datetime
    version: int
    voice: VoiceOut | None = None
    speaker: Speaker | None = None
    spoken: bool = True

    @classmethod
    def of(cls, cue: Cue, version: int) -> CueOut:
        voice = None if cue.voice is None else VoiceOut(engine=cue.voice.engine, name=cue.voice.name)
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


class ChangeIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, gc=False):
    id: UUID
    updated_at: datetime
    start_ms: TimeMs | None = None
    end_ms: TimeMs | None = None
    text: CueText | None = None
    voice: VoiceIn | msgspec.UnsetType | None = msgspec.UNSET
    speaker: Speaker | msgspec.UnsetType | None = msgspec.UNSET
    spoken: bool | None = None
    deleted: bool = False


class SyncIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    changes: Annotated[list[ChangeIn], msgspec.Meta(description=f"at most {MAX_SYNC_CHANGES} changes (413 beyond)")]
    cursor: Annotated[str, msgspec.Meta(max_length=200)] | None = None


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
