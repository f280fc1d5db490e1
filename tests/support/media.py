"""Real media made with PyAV for tests: a moving test pattern and a sine tone, in any container."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

FPS = 25
RATE = 48000


def make_media(
    path: Path,
    *,
    seconds: float = 6.0,
    video: bool = True,
    audio_tracks: tuple[tuple[str | None, float], ...] = (("en", 14000.0),),
    audio_codec: str = "aac",
    video_codec: str = "mpeg4",
    tone_dbfs: float = -20.0,
    subtitles: bool = False,
    size: tuple[int, int] = (160, 96),
) -> Path:
    """`audio_tracks`: (language, tone Hz) per audio stream; language None leaves it untagged."""
    with av.open(str(path), mode="w") as out:
        vstream = None
        if video:
            vstream = out.add_stream(video_codec, rate=FPS)
            vstream.width, vstream.height = size
            vstream.pix_fmt = "yuv420p"
            vstream.codec_context.gop_size = FPS  # a keyframe a second
        astreams = []
        for language, _hz in audio_tracks:
            stream = out.add_stream(audio_codec, rate=RATE, layout="stereo")
            if language:
                stream.metadata["language"] = language
            astreams.append(stream)
        sub = None
        if subtitles:
            sub = out.add_mux_stream("subrip", time_base=Fraction(1, 1000))
            sub.metadata["language"] = "eng"
        frames = round(seconds * FPS)
        for i in range(frames if vstream else 0):
            image = np.zeros((size[1], size[0], 3), dtype=np.uint8)
            image[:, :, 0] = (np.arange(size[0]) * 255 // size[0]).astype(np.uint8)[None, :]
            image[:, (i * 4) % size[0], :] = 255
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = i
            for packet in vstream.encode(frame):
                out.mux(packet)
        for stream, (_language, hz) in zip(astreams, audio_tracks, strict=True):
            amplitude = 10 ** (tone_dbfs / 20)
            total = round(seconds * RATE)
            step = 1024
            for begin in range(0, total, step):
                n = min(step, total - begin)
                t = (np.arange(begin, begin + n) / RATE).astype(np.float64)
                wave = (amplitude * np.sin(2 * np.pi * hz * t)).astype(np.float32)
                frame = av.AudioFrame.from_ndarray(np.stack([wave, wave]), format="fltp", layout="stereo")
                frame.sample_rate = RATE
                frame.pts = begin
                frame.time_base = Fraction(1, RATE)
                for packet in stream.encode(frame):
                    out.mux(packet)
        if sub is not None:
            for i, start in enumerate(range(0, round(seconds * 1000) - 1000, 2000)):
                packet = av.Packet(f"Line {i}".encode())
                packet.stream = sub
                packet.pts = packet.dts = start
                packet.duration = 1000
                packet.time_base = Fraction(1, 1000)
                out.mux(packet)
        if vstream is not None:
            for packet in vstream.encode(None):
                out.mux(packet)
        for stream in astreams:
            for packet in stream.encode(None):
                out.mux(packet)
    return path


def decode_audio(path: Path, stream_index: int) -> tuple[np.ndarray, int]:
    """One audio stream of a file as float mono (channels averaged) and its rate."""
    pieces: list[np.ndarray] = []
    with av.open(str(path)) as container:
        stream = next(s for s in container.streams if s.index == stream_index)
        rate = stream.codec_context.sample_rate
        resampler = av.AudioResampler(format="fltp", layout="mono", rate=rate)
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                pieces.append(out.to_ndarray()[0])
        for out in resampler.resample(None):
            pieces.append(out.to_ndarray()[0])
    return np.concatenate(pieces), rate


def tone_level_db(samples: np.ndarray, rate: int, hz: float, start_s: float, end_s: float) -> float:
    """Level (dB) of the `hz` component between two times, by projecting on the tone (FFT bin)."""
    window = samples[int(start_s * rate) : int(end_s * rate)].astype(np.float64)
    t = np.arange(window.size) / rate
    amplitude = 2 * abs(np.mean(window * np.exp(-2j * np.pi * hz * t)))
    return 20 * float(np.log10(max(amplitude, 1e-12)))


def video_packets(path: Path) -> list[bytes]:
    with av.open(str(path)) as container:
        return [bytes(p) for p in container.demux(container.streams.video[0]) if p.size]
