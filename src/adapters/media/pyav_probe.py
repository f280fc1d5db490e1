"""Probing uploads with PyAV (FFmpeg in its wheels): container, streams, codecs, duration, languages.

Every packet is read (none decoded but the first audio frames), so a truncated or damaged file is
refused on arrival rather than when a render reaches its middle.
"""

from __future__ import annotations

from typing import Any, BinaryIO

import av
import av.error

from adapters.media.languages import to_bcp47
from application.errors import FieldError, InvalidInput
from application.ports.media import ProbedMedia
from domain.media import MediaStream, StreamType

# A file whose packets stop this much before its declared duration is truncated.
TRUNCATION_SLACK_S = 1.0
_CONTAINER_NAMES = {"matroska": "matroska", "mov": "mp4", "ogg": "ogg", "wav": "wav", "mp3": "mp3", "flac": "flac"}


def _invalid(message: str, code: str) -> InvalidInput:
    return InvalidInput(message, [FieldError("file", message)], code=code)


def container_name(format_name: str) -> str:
    first = format_name.split(",")[0]
    return _CONTAINER_NAMES.get(first, first)


class PyAvMediaProbe:
    def probe(self, source: BinaryIO) -> ProbedMedia:
        source.seek(0)
        try:
            container = av.open(source, mode="r")
        except (av.error.FFmpegError, ValueError) as exc:
            raise _invalid(f"the file is not audio or video that can be read ({_reason(exc)})", "not_media") from None
        with container:
            streams = tuple(_stream(s) for s in container.streams)
            if not any(s.type in ("audio", "video") for s in streams):
                raise _invalid("the file holds no audio or video stream", "not_media")
            end_s = _read_all(container)
            declared_s = container.duration / 1_000_000 if container.duration else None
            _check_audio_decodes(container)
            name = container_name(container.format.name)
        if declared_s is not None and end_s + TRUNCATION_SLACK_S < declared_s:
            raise _invalid(
                f"the file is truncated: its packets stop at {end_s:.1f} s of a declared {declared_s:.1f} s",
                "truncated_media",
            )
        duration_s = declared_s if declared_s is not None else end_s
        return ProbedMedia(container=name, duration_ms=round(duration_s * 1000), streams=streams)


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _stream(stream: av.stream.Stream) -> MediaStream:
    kind: StreamType = stream.type if stream.type in ("video", "audio", "subtitle", "attachment") else "data"
    language = stream.metadata.get("language")
    context: Any = stream.codec_context
    codec = context.name if context is not None else "unknown"
    audio = stream.type == "audio"
    return MediaStream(
        index=stream.index,
        type=kind,
        codec=codec,
        language=None if language in (None, "", "und") else to_bcp47(language),
        channels=context.channels if audio else None,
        sample_rate=context.sample_rate if audio else None,
        default=bool(stream.disposition & av.stream.Disposition.default),
    )


def _read_all(container: av.container.InputContainer) -> float:
    """Reads every packet; the end time (s) of the furthest one."""
    end = 0.0
    try:
        for packet in container.demux():
            if packet.pts is None or packet.time_base is None:
                continue
            stop = (packet.pts + (packet.duration or 0)) * packet.time_base
            end = max(end, float(stop))
    except av.error.FFmpegError as exc:
        raise _invalid(f"the file is damaged after {end:.1f} s: {_reason(exc)}", "corrupt_media") from None
    return end


def _check_audio_decodes(container: av.container.InputContainer) -> None:
    """The first second of every audio stream decodes (a codec FFmpeg cannot decode fails here)."""
    for stream in container.streams.audio:
        container.seek(0, stream=stream)
        try:
            for frame in container.decode(stream):
                if frame.time is not None and frame.time >= 1.0:
                    break
        except av.error.FFmpegError as exc:
            raise _invalid(
                f"audio stream {stream.index} ({stream.codec_context.name}) cannot be decoded: {_reason(exc)}",
                "corrupt_media",
            ) from None
