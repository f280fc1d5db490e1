"""Media a project holds (the original video or audio, a music-and-effects stem) and the rules of
delivering a dub inside it: which source audio to mix under, where the voice speaks, what each
container may carry."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Literal, get_args
from uuid import UUID

import msgspec

from domain.errors import InvariantViolated

MediaRole = Literal["original", "music_effects"]
MediaKind = Literal["video", "audio"]
StreamType = Literal["video", "audio", "subtitle", "data", "attachment"]
Container = Literal["mkv", "mp4", "webm"]

MEDIA_ROLES: tuple[str, ...] = get_args(MediaRole)
CONTAINERS: tuple[str, ...] = get_args(Container)
# A BCP-47 tag as far as containers care: a 2-3 letter language, then optional subtags.
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


class MediaStream(msgspec.Struct, frozen=True, kw_only=True):
    index: int
    type: StreamType
    codec: str
    language: str | None = None
    channels: int | None = None
    sample_rate: int | None = None
    default: bool = False


class Media(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    project_id: UUID
    role: MediaRole
    kind: MediaKind
    container: str
    duration_ms: int
    streams: tuple[MediaStream, ...]
    size_bytes: int
    filename: str | None
    uploaded_by: UUID
    created_at: datetime

    @property
    def blob_key(self) -> str:
        return media_blob_key(self.project_id, self.id)

    @property
    def has_video(self) -> bool:
        return any(s.type == "video" for s in self.streams)

    @property
    def audio_streams(self) -> list[MediaStream]:
        return [s for s in self.streams if s.type == "audio"]


def media_blob_key(project_id: UUID, media_id: UUID) -> str:
    return f"media/{project_id}/{media_id}"


def media_kind(streams: Iterable[MediaStream]) -> MediaKind:
    return "video" if any(s.type == "video" for s in streams) else "audio"


def valid_language(tag: str) -> bool:
    return bool(_LANGUAGE.match(tag))


def choose_audio_stream(media: Media, language: str | None) -> MediaStream:
    """The source audio a dub is mixed under. With `language` (BCP-47, as the probe stores tags), the
    stream tagged with it, else one of the same primary language (`en-US` finds `en`); without, the
    stream flagged default, else the first. No audio stream, or none in `language`: InvariantViolated."""
    streams = media.audio_streams
    if not streams:
        raise InvariantViolated("the media has no audio stream to mix under", field="media_id")
    if language is not None:
        wanted = language.lower()
        matching = [s for s in streams if (s.language or "").lower() == wanted] or [
            s for s in streams if (s.language or "").lower().split("-")[0] == wanted.split("-")[0]
        ]
        if not matching:
            found = ", ".join(sorted({s.language or "untagged" for s in streams}))
            raise InvariantViolated(
                f"the media has no audio stream in {language!r} (its audio streams: {found})", field="source_language"
            )
        streams = matching
    return next((s for s in streams if s.default), streams[0])


def speech_spans(placements: Iterable[tuple[int, int]], *, attack_ms: int, release_ms: int) -> list[tuple[int, int]]:
    """(start, end) ms of the speech actually placed, merged where the ducking would not recover in
    between (a gap shorter than a release and an attack)."""
    spans = sorted((start, start + length) for start, length in placements if length > 0)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start - merged[-1][1] < attack_ms + release_ms:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


# What each delivery container may carry (FFmpeg codec names); other codecs are transcoded (audio)
# or refused (video: it is never re-encoded) or dropped (subtitles, reported).
CONTAINER_CODECS: dict[str, dict[str, frozenset[str]]] = {
    "mkv": {
        "video": frozenset(),  # empty: anything
        "audio": frozenset(),
        "subtitle": frozenset(),
    },
    "mp4": {
        "video": frozenset({"h264", "hevc", "mpeg4", "av1", "vp9", "mpeg2video", "mjpeg"}),
        "audio": frozenset({"aac", "mp3", "opus", "ac3", "eac3", "alac", "flac"}),
        "subtitle": frozenset({"mov_text"}),
    },
    "webm": {
        "video": frozenset({"vp8", "vp9", "av1"}),
        "audio": frozenset({"opus", "vorbis"}),
        "subtitle": frozenset({"webvtt"}),
    },
}
DUB_CODEC: dict[str, str] = {"mkv": "aac", "mp4": "aac", "webm": "libopus"}


def container_carries(container: str, stream_type: str, codec: str) -> bool:
    allowed = CONTAINER_CODECS[container].get(stream_type)
    if allowed is None:
        return False
    return not allowed or codec in allowed


def uncopyable_video(container: str, streams: Sequence[MediaStream]) -> list[MediaStream]:
    return [s for s in streams if s.type == "video" and not container_carries(container, "video", s.codec)]


# The extension a browser plays a probed container as: Matroska only as WebM, QuickTime as MP4.
_PLAYABLE = {"matroska": "webm", "webm": "webm", "mp4": "mp4", "mov": "mp4", "ogg": "ogg", "wav": "wav"}
_PLAYABLE |= {"flac": "flac", "mp3": "mp3"}


def playable_extension(container: str) -> str:
    """`container` is the probe's format name, e.g. "matroska,webm" or "mov,mp4,m4a,3gp,3g2,mj2"."""
    for name in container.lower().split(","):
        if name in _PLAYABLE:
            return _PLAYABLE[name]
    return "bin"
