"""The streaming mix: clips placed on the timeline chunk by chunk, measured, then encoded with soundfile."""

from __future__ import annotations

import threading
from typing import BinaryIO

import numpy as np
import soundfile

from adapters.audio.loudness import StreamingLoudnessMeter
from adapters.audio.pcm import pcm_to_float
from application.errors import DependencyUnavailable
from application.ports.audio import MixLevels, Placement, TrackLayout
from application.ports.clip_cache import ClipCache
from domain.render_options import AudioFormat

CHUNK_SECONDS = 10
# soundfile (libsndfile) container and codec per output format
ENCODINGS: dict[str, tuple[str, str]] = {
    "wav": ("WAV", "PCM_16"),
    "flac": ("FLAC", "PCM_16"),
    "ogg": ("OGG", "VORBIS"),
    "mp3": ("MP3", "MPEG_LAYER_III"),
}


class _Timeline:
    """Mixes consecutive chunks; holds only the clips that sound in the current chunk."""

    def __init__(self, layout: TrackLayout, clips: ClipCache, chunk_samples: int) -> None:
        rate = layout.sample_rate
        self._clips = clips
        self._chunk = chunk_samples
        self.total = -(-layout.duration_ms * rate // 1000)
        self._placed = sorted(((p.start_ms * rate + 500) // 1000, p) for p in layout.placements)
        self._next = 0
        self._active: list[tuple[int, np.ndarray]] = []

    def rewind(self) -> None:
        self._next, self._active = 0, []

    def _load(self, placement: Placement) -> np.ndarray:
        pcm = self._clips.get(placement.clip_key)
        if pcm is None:
            raise DependencyUnavailable("clip cache", f"clip {placement.clip_key} vanished from the clip cache")
        return pcm_to_float(pcm)

    def mix(self, index: int) -> np.ndarray:
        begin = index * self._chunk
        end = min(begin + self._chunk, self.total)
        out = np.zeros(max(0, end - begin), dtype=np.float32)
        while self._next < len(self._placed) and self._placed[self._next][0] < end:
            start, placement = self._placed[self._next]
            self._active.append((start, self._load(placement)))
            self._next += 1
        still: list[tuple[int, np.ndarray]] = []
        for start, samples in self._active:
            lo, hi = max(start, begin), min(start + samples.size, end)
            if hi > lo:
                out[lo - begin : hi - begin] += samples[lo - start : hi - start]
            if start + samples.size > end:
                still.append((start, samples))
        self._active = still
        return out


class StreamingMixSession:
    def __init__(
        self, layout: TrackLayout, clips: ClipCache, sink: BinaryIO, audio_format: AudioFormat, chunk_samples: int
    ) -> None:
        self._timeline = _Timeline(layout, clips, chunk_samples)
        self._meter = StreamingLoudnessMeter(layout.sample_rate, self._timeline.total)
        self._chunk_count = -(-self._timeline.total // chunk_samples)
        container, subtype = ENCODINGS[audio_format]
        self._format = audio_format
        self._sink = sink
        self._layout = layout
        self._encoding = (container, subtype)
        self._file: soundfile.SoundFile | None = None

    @property
    def chunk_count(self) -> int:
        return self._chunk_count

    def measure(self, index: int) -> None:
        self._meter.add(self._timeline.mix(index))

    def levels(self) -> MixLevels:
        return MixLevels(integrated_lufs=self._meter.integrated_lufs(), peak_dbfs=self._meter.peak_dbfs)

    def encode(self, index: int, gain_db: float) -> None:
        out = self._open()
        chunk = self._timeline.mix(index) * np.float32(10 ** (gain_db / 20))
        if self._format in ("wav", "flac"):
            out.write(np.clip(np.round(chunk * 32768.0), -32768, 32767).astype(np.int16))
        else:
            out.write(np.clip(chunk, -1.0, 1.0))

    def _open(self) -> soundfile.SoundFile:
        if self._file is None:
            self._timeline.rewind()
            container, subtype = self._encoding
            self._file = soundfile.SoundFile(
                self._sink, mode="w", samplerate=self._layout.sample_rate, channels=1, format=container, subtype=subtype
            )
        return self._file

    def finish(self) -> None:
        self._open().close()  # an empty timeline still makes a valid (empty) file

    def discard(self) -> None:
        if self._file is not None and not self._file.closed:
            self._file.close()


def _preload_meter_libraries() -> None:
    import pyloudnorm  # noqa: F401 - scipy takes seconds to import: done while the clips are synthesized


class StreamingTrackMixer:
    def __init__(self, chunk_seconds: int = CHUNK_SECONDS, *, preload: bool = True) -> None:
        self._chunk_seconds = chunk_seconds
        if preload:
            threading.Thread(target=_preload_meter_libraries, name="preload-loudness", daemon=True).start()

    def start(
        self, layout: TrackLayout, clips: ClipCache, sink: BinaryIO, audio_format: AudioFormat
    ) -> StreamingMixSession:
        return StreamingMixSession(layout, clips, sink, audio_format, self._chunk_seconds * layout.sample_rate)
