"""Delivering a dub with PyAV: the source's video packets copied as they are, its audio kept (copied,
or transcoded when the container cannot carry the codec), its subtitles kept where the container
can carry them, and the dub added as a new audio track, as long as the source."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any, BinaryIO

import av
import av.error
import numpy as np

from adapters.audio.ducking import DuckingEnvelope
from adapters.media.dub_track import BedReader, DubMixer, VoiceReader
from adapters.media.languages import to_iso639_2
from application.errors import FieldError, InvalidInput
from application.ports.media import DubDelivery
from domain.media import CONTAINERS, DUB_CODEC, container_carries
from domain.render_report import DeliveryReport

Packet = Any  # av.Packet (generic in the type stubs only)
# FFmpeg muxer and dub codec of each delivered format
MUXERS = {"mkv": "matroska", "mp4": "mp4", "webm": "webm", "wav": "wav", "flac": "flac", "ogg": "ogg", "mp3": "mp3"}
AUDIO_CODECS = {"wav": "pcm_s16le", "flac": "flac", "ogg": "libopus", "mp3": "libmp3lame"}
_RATES = {"libopus": (48000,), "aac": (48000, 44100, 32000, 24000, 22050, 16000)}
_LOOKAHEAD_S = 0.5  # the dub is kept this far ahead of the copied packets (the muxer interleaves)
_BLOCK = 4096


def _codec_of(fmt: str) -> str:
    return DUB_CODEC[fmt] if fmt in CONTAINERS else AUDIO_CODECS[fmt]


def _rate_for(codec: str, bed_rate: int | None) -> int:
    allowed = _RATES.get(codec)
    rate = bed_rate or 48000
    if allowed is None or rate in allowed:
        return rate
    return 48000 if codec == "libopus" else min(allowed, key=lambda r: abs(r - rate))


class _AudioOut:
    """An encoder stream fed with float blocks; its own sample count is the pts."""

    def __init__(self, stream: Any, layout: str, rate: int) -> None:
        self.stream = stream
        self._layout = layout
        self._rate = rate
        self._written = 0

    def encode(self, block: np.ndarray | None) -> list[Packet]:
        if block is None:
            return list(self.stream.encode(None))
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(block, dtype=np.float32), format="fltp", layout=self._layout
        )
        frame.sample_rate = self._rate
        frame.pts = self._written
        frame.time_base = Fraction(1, self._rate)
        self._written += block.shape[1]
        return list(self.stream.encode(frame))


class PyAvMediaDeliverer:
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
        source = av.open(original, mode="r") if original is not None else None
        try:
            return _Delivery(plan, voice, source, bed, sink, progress).run()
        except av.error.FFmpegError as exc:
            message = f"the media could not be delivered as {plan.format}: {exc}"
            raise InvalidInput(message, [FieldError("media_id", message)], code="media_unreadable") from None
        finally:
            if source is not None:
                source.close()


class _Delivery:
    def __init__(
        self,
        plan: DubDelivery,
        voice: BinaryIO,
        source: av.container.InputContainer | None,
        bed: BinaryIO | None,
        sink: BinaryIO,
        progress: Callable[[float], None],
    ) -> None:
        self.plan = plan
        self.voice_handle = voice
        self.source = source
        self.bed_handle = bed
        self.sink = sink
        self.progress = progress
        self.transcoded: list[str] = []
        self.dropped: list[str] = []

    def _duration_s(self) -> float:
        if self.source is not None and self.source.duration:
            return self.source.duration / 1_000_000
        voice_end = max((end for _, end in self.plan.speech), default=0)
        return voice_end / 1000

    def _bed_params(self) -> tuple[int | None, int]:
        """(rate, channels) of the stream the dub is mixed over."""
        if self.bed_handle is None:
            return None, 1
        with av.open(self.bed_handle, mode="r") as probe:
            streams = [s for s in probe.streams.audio if self.plan.bed_stream in (None, s.index)]
            if not streams:
                raise InvalidInput("the media has no audio stream to mix under", code="media_without_audio")
            context = streams[0].codec_context
            rate, channels = context.sample_rate, context.channels
        self.bed_handle.seek(0)
        return rate, channels

    def run(self) -> DeliveryReport:
        plan = self.plan
        codec = _codec_of(plan.format)
        bed_rate, bed_channels = self._bed_params()
        rate = _rate_for(codec, bed_rate)
        layout = "stereo" if bed_channels >= 2 or (self.source is not None and plan.format in CONTAINERS) else "mono"
        duration_s = self._duration_s()
        total = round(duration_s * rate)
        envelope = (
            DuckingEnvelope(
                plan.speech, rate, duck_db=plan.duck_db, attack_ms=plan.attack_ms, release_ms=plan.release_ms
            )
            if plan.mix == "voiceover"
            else None
        )
        bed = (
            BedReader(self.bed_handle, plan.bed_stream if plan.mix == "voiceover" else None, rate, layout)
            if self.bed_handle
            else None
        )
        try:
            mixer = DubMixer(
                VoiceReader(self.voice_handle, rate),
                bed,
                envelope,
                channels=len(av.AudioLayout(layout).channels),
                total_samples=total,
                rate=rate,
            )
            with av.open(self.sink, mode="w", format=MUXERS[plan.format]) as out:
                if plan.format in CONTAINERS and self.source is not None:
                    self._mux_with_source(out, mixer, codec, rate, layout)
                else:
                    self._mux_alone(out, mixer, codec, rate, layout)
        finally:
            if bed is not None:
                bed.close()
        speech_end = max((end for _, end in plan.speech), default=0)
        return DeliveryReport(
            duration_ms=round(total * 1000 / rate),
            dub_codec=codec,
            mix_lufs=None if (lufs := mixer.lufs()) is None else round(lufs, 2),
            mix_peak_dbfs=None if (peak := mixer.peak_dbfs()) is None else round(peak, 2),
            transcoded=tuple(self.transcoded),
            dropped=tuple(self.dropped),
            speech_cut_ms=max(0, speech_end - round(duration_s * 1000)),
        )

    def _dub_stream(self, out: av.container.OutputContainer, codec: str, rate: int, layout: str) -> _AudioOut:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        if self.plan.language:
            stream.metadata["language"] = to_iso639_2(self.plan.language)
        stream.metadata["title"] = self.plan.title
        stream.disposition = av.stream.Disposition.default if self.plan.dub_default else av.stream.Disposition(0)
        return _AudioOut(stream, layout, rate)

    def _mux_alone(
        self, out: av.container.OutputContainer, mixer: DubMixer, codec: str, rate: int, layout: str
    ) -> None:
        dub = self._dub_stream(out, codec, rate, layout)
        while not mixer.done:
            out.mux(dub.encode(mixer.next_block(_BLOCK)))
            self.progress(mixer.position / mixer.total if mixer.total else 1.0)
        out.mux(dub.encode(None))

    def _routes(self, out: av.container.OutputContainer, source: Any) -> dict[int, Any]:
        """Where each source stream goes: copied, transcoded (audio the container cannot carry) or dropped."""
        fmt = self.plan.format
        routes: dict[int, Any] = {}
        first_original = True
        for stream in source.streams:
            name = f"{stream.type} stream {stream.index} ({stream.codec_context.name if stream.codec_context else '?'})"
            codec_name = stream.codec_context.name if stream.codec_context else ""
            if stream.type == "video":
                if not container_carries(fmt, "video", codec_name):
                    raise InvalidInput(
                        f"{fmt} cannot carry the {codec_name} video and video is never re-encoded; use mkv",
                        [FieldError("format", f"{fmt} cannot carry {codec_name} video")],
                        code="container_unsupported_video",
                    )
                routes[stream.index] = _copy(out, stream)
            elif stream.type == "audio":
                copied: Any
                if container_carries(fmt, "audio", codec_name):
                    copied = _copy(out, stream)
                else:
                    copied = _Transcode(out, stream, DUB_CODEC[fmt])
                    self.transcoded.append(f"{name} → {DUB_CODEC[fmt]}")
                target = copied.out.stream if isinstance(copied, _Transcode) else copied
                keep_default = first_original and not self.plan.dub_default
                target.disposition = av.stream.Disposition.default if keep_default else av.stream.Disposition(0)
                first_original = False
                routes[stream.index] = copied
            elif stream.type == "subtitle" and container_carries(fmt, "subtitle", codec_name):
                routes[stream.index] = _copy(out, stream)
            else:
                self.dropped.append(name)
        return routes

    def _mux_with_source(
        self, out: av.container.OutputContainer, mixer: DubMixer, codec: str, rate: int, layout: str
    ) -> None:
        if self.source is None:
            raise RuntimeError("muxing with a source needs the source container open")
        routes = self._routes(out, self.source)
        dub = self._dub_stream(out, codec, rate, layout)
        duration = mixer.total / rate
        reported = 0.0
        for packet in self.source.demux([self.source.streams[i] for i in routes]):
            if packet.dts is None and packet.pts is None:
                continue  # a demuxer's flush packet
            stamp = packet.dts if packet.dts is not None else packet.pts
            when = float(stamp * packet.time_base) if stamp is not None and packet.time_base else 0.0
            while not mixer.done and mixer.position < (when + _LOOKAHEAD_S) * rate:
                out.mux(dub.encode(mixer.next_block(_BLOCK)))
            route = routes[packet.stream.index]
            if isinstance(route, _Transcode):
                out.mux(route.feed(packet))
            else:
                packet.stream = route
                out.mux(packet)
            if duration and when / duration - reported >= 0.01:
                reported = when / duration
                self.progress(min(reported, 1.0))
        while not mixer.done:
            out.mux(dub.encode(mixer.next_block(_BLOCK)))
        out.mux(dub.encode(None))
        for route in routes.values():
            if isinstance(route, _Transcode):
                out.mux(route.flush())
        self.progress(1.0)


def _copy(out: av.container.OutputContainer, stream: av.stream.Stream) -> av.stream.Stream:
    copied = out.add_stream_from_template(stream)
    _copy_tags(stream, copied)
    copied.disposition = stream.disposition  # audio streams' default flags are set again by the plan
    return copied


def _copy_tags(source: av.stream.Stream, target: av.stream.Stream) -> None:
    language = source.metadata.get("language")
    if language and language != "und":
        target.metadata["language"] = to_iso639_2(language)
    for key in ("title", "name"):
        if key in source.metadata:
            target.metadata["title"] = source.metadata[key]
            break


class _Transcode:
    """A source audio stream the container cannot carry, re-encoded in the container's codec."""

    def __init__(self, out: av.container.OutputContainer, stream: Any, codec: str) -> None:
        context = stream.codec_context
        self._source = stream
        rate = _rate_for(codec, context.sample_rate)
        layout = "stereo" if context.channels >= 2 else "mono"
        encoded = out.add_stream(codec, rate=rate, layout=layout)
        _copy_tags(stream, encoded)
        self.out = _AudioOut(encoded, layout, rate)
        self._resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)

    def feed(self, packet: Packet) -> list[Packet]:
        packets: list[Packet] = []
        for frame in self._source.codec_context.decode(packet):
            for converted in self._resampler.resample(frame):
                packets += self.out.encode(converted.to_ndarray())
        return packets

    def flush(self) -> list[Packet]:
        packets: list[Packet] = []
        for converted in self._resampler.resample(None):
            packets += self.out.encode(converted.to_ndarray())
        return packets + self.out.encode(None)
