"""Offline sync: a client's change to one cue and the last-write-wins rule that settles it (S-SYNC-3).

The rule, total and independent of arrival order (so every replica converges):
a version is ranked by the key `(updated_at, deleted, content digest)` and the higher key wins.
- a later `updated_at` wins;
- on equal `updated_at`, a deletion beats an edit;
- on equal `updated_at` and equal deletion state, the version whose content (start, end, text,
  voice; speaker and spoken when either differs from its default) has the larger SHA-256 digest
  of its canonical JSON wins.
Equal keys mean equal content: the change is already applied and nothing is written.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from uuid import UUID

import msgspec

from domain.errors import InvariantViolated
from domain.subtitles import Cue
from domain.voices import VoiceRef


class CueChange(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """What an offline client did to one cue; absent fields keep the server's values."""

    id: UUID
    updated_at: datetime
    start_ms: int | None = None
    end_ms: int | None = None
    text: str | None = None
    voice: VoiceRef | msgspec.UnsetType | None = msgspec.UNSET
    speaker: str | msgspec.UnsetType | None = msgspec.UNSET
    spoken: bool | None = None
    deleted: bool = False

    def __post_init__(self) -> None:
        if self.updated_at.tzinfo is None:
            raise InvariantViolated("updated_at must carry a time zone (UTC)", field="updated_at")


class CueVersion(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A cue as a replica holds it: live or a tombstone (the content is kept for resurrection)."""

    cue: Cue
    deleted: bool = False

    @property
    def rank(self) -> tuple[datetime, bool, str]:
        return (self.cue.updated_at, self.deleted, content_digest(self.cue))


def content_digest(cue: Cue) -> str:
    voice = None if cue.voice is None else [cue.voice.engine, cue.voice.name]
    fields: list[object] = [cue.start_ms, cue.end_ms, cue.text, voice]
    if cue.speaker is not None or not cue.spoken:  # cues without them keep the digest they always had
        fields += [cue.speaker, cue.spoken]
    canonical = msgspec.json.encode(fields)
    return hashlib.sha256(canonical).hexdigest()


class Outcome(StrEnum):
    APPLIED = "applied"  # the change won and is the new server version
    UNCHANGED = "unchanged"  # the server already holds exactly this version
    STALE = "stale"  # the server holds a version that wins over the change
    DELETED_UNKNOWN = "deleted_unknown"  # a deletion of a cue the server never had: nothing to do


class Resolution(msgspec.Struct, frozen=True, kw_only=True):
    outcome: Outcome
    version: CueVersion | None  # the winning version (None only for DELETED_UNKNOWN)


def incoming_version(server: CueVersion | None, change: CueChange) -> CueVersion | None:
    """The version the change describes, on top of the server's (raises InvariantViolated if invalid)."""
    if server is None:
        if change.deleted:
            return None
        start_ms, end_ms, text = change.start_ms, change.end_ms, change.text
        if start_ms is None or end_ms is None or text is None:
            raise InvariantViolated("a new cue needs start_ms, end_ms and text", field="id")
        voice = None if isinstance(change.voice, msgspec.UnsetType) else change.voice
        cue = Cue.create(
            id=change.id,
            start_ms=start_ms,
            end_ms=end_ms,
            text=text,
            voice=voice,
            speaker=None if isinstance(change.speaker, msgspec.UnsetType) else change.speaker,
            spoken=True if change.spoken is None else change.spoken,
            updated_at=change.updated_at,
        )
        return CueVersion(cue=cue)
    cue = server.cue.edited(
        updated_at=change.updated_at,
        start_ms=change.start_ms,
        end_ms=change.end_ms,
        text=change.text,
        voice=change.voice,
        speaker=change.speaker,
        spoken=change.spoken,
    )
    return CueVersion(cue=cue, deleted=change.deleted)


def resolve(server: CueVersion | None, incoming: CueVersion | None) -> Resolution:
    """Last-write-wins between the server's version and the one a change describes."""
    if incoming is None:
        return Resolution(outcome=Outcome.DELETED_UNKNOWN, version=server)
    if server is None:
        return Resolution(outcome=Outcome.APPLIED, version=incoming)
    incoming_rank, server_rank = incoming.rank, server.rank
    if incoming_rank > server_rank:
        return Resolution(outcome=Outcome.APPLIED, version=incoming)
    if incoming_rank == server_rank:
        return Resolution(outcome=Outcome.UNCHANGED, version=server)
    return Resolution(outcome=Outcome.STALE, version=server)


def merge(server: CueVersion | None, change: CueChange) -> Resolution:
    return resolve(server, incoming_version(server, change))
