"""The streaming mix: clips placed on the timeline chunk by chunk, measured, then encoded with soundfile
after the gain and a true-peak limiter (rehearsed first when it may take loudness away)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, BinaryIO

import numpy as np
import soundfile

from adapters.audio.loudness import StreamingLoudnessMeter
from adapters.audio.pcm import pcm_to_float
from application.errors import DependencyUnavailable
from application.ports.audio import LimiterReport, MixLevels, Placement, TrackLayout
from application.ports.clip_cache import ClipCache
from domain.render_options import AudioFormat

if TYPE_CHECKING:
    from adapters.audio.limiter import TruePeakLimiter, TruePeakMeter

CHUNK_SECONDS = 10
# a hair under the -1 dBTP promise: true-peak meters differ by their interpolators (and int16 rounds)
LIMITER_CEILING_DBTP = -1.1
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
        # imported here: scipy takes seconds to import and only a render needs it
        from adapters.audio import limiter

        self._limiters = limiter
        self._rehearsal: tuple[TruePeakLimiter, StreamingLoudnessMeter] | None = None
        self._limiter: TruePeakLimiter | None = None
        self._true_peak: TruePeakMeter | None = None
        self._peak = 0.0

    @property
    def chunk_count(self) -> int:
        return self._chunk_count

    def measure(self, index: int) -> None:
        self._meter.add(self._timeline.mix(index))

    def levels(self) -> MixLevels:
        return MixLevels(integrated_lufs=self._meter.integrated_lufs(), peak_dbfs=self._meter.peak_dbfs)

    def _limited(self, limiter: TruePeakLimiter, index: int, gain_db: float) -> np.ndarray:
        chunk = self._timeline.mix(index)
        chunk *= np.float32(10 ** (gain_db / 20))
        out = limiter.process(chunk)
        if index == self._chunk_count - 1:
            out = np.concatenate([out, limiter.flush()])
        return out

    def rehearse(self, index: int, gain_db: float) -> None:
        if index == 0 or self._rehearsal is None:
            self._timeline.rewind()
            self._rehearsal = (
                self._new_limiter(),
                StreamingLoudnessMeter(self._layout.sample_rate, self._timeline.total),
            )
        limiter, meter = self._rehearsal
        meter.add(self._limited(limiter, index, gain_db))

    def rehearsed_lufs(self) -> float | None:
        return None if self._rehearsal is None else self._rehearsal[1].integrated_lufs()

    def _new_limiter(self) -> TruePeakLimiter:
        return self._limiters.TruePeakLimiter(self._layout.sample_rate, LIMITER_CEILING_DBTP)

    def encode(self, index: int, gain_db: float) -> None:
        out = self._open()
        if self._limiter is None or self._true_peak is None:
            self._limiter = self._new_limiter()
            self._true_peak = self._limiters.TruePeakMeter(self._limiter.ceiling * self._limiters.HOT_MARGIN)
        chunk = self._limited(self._limiter, index, gain_db)
        self._true_peak.add(chunk, last=index == self._chunk_count - 1)
        if chunk.size:
            self._peak = max(self._peak, float(np.max(np.abs(chunk))))
        if self._format in ("wav", "flac"):
            out.write(np.clip(np.round(chunk * 32768.0), -32768, 32767).astype(np.int16))
        else:
            out.write(np.clip(chunk, -1.0, 1.0))

    def limiter_report(self) -> LimiterReport:
        limiter = self._limiter
        true_peak = self._true_peak.peak if self._true_peak else 0.0
        peak = max(true_peak, self._peak)  # the true peak is never under the sample peak
        return LimiterReport(
            true_peak_dbtp=20 * float(np.log10(peak)) if peak > 0 else None,
            peak_dbfs=20 * float(np.log10(self._peak)) if self._peak > 0 else None,
            limited_samples=limiter.limited_samples if limiter else 0,
            deepest_db=limiter.deepest_db if limiter else 0.0,
        )

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
    # scipy takes seconds to import: done while the clips are synthesized
    import pyloudnorm  # noqa: F401

    import adapters.audio.limiter  # noqa: F401


class StreamingTrackMixer:
    def __init__(self, chunk_seconds: int = CHUNK_SECONDS, *, preload: bool = True) -> None:
        self._chunk_seconds = chunk_seconds
        if preload:
            threading.Thread(target=_preload_meter_libraries, name="preload-loudness", daemon=True).start()

    def start(
        self, layout: TrackLayout, clips: ClipCache, sink: BinaryIO, audio_format: AudioFormat
    ) -> StreamingMixSession:
        return StreamingMixSession(layout, clips, sink, audio_format, self._chunk_seconds * layout.sample_rate)
