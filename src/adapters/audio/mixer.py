"""The streaming mix: clips placed on the timeline chunk by chunk, measured (with per-tile energies and
peaks, from which the loudness left by the limiter at any gain is predicted), then encoded with
soundfile after the gain and a true-peak limiter."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, BinaryIO

import numpy as np
import soundfile

from adapters.audio.in_order import InOrder
from adapters.audio.loudness import StreamingLoudnessMeter
from adapters.audio.pcm import pcm_to_float
from application.errors import DependencyUnavailable
from application.ports.audio import LimiterReport, MixLevels, Placement, TrackLayout
from application.ports.clip_cache import ClipCache
from domain.render_options import AudioFormat

if TYPE_CHECKING:
    from adapters.audio.limited_loudness import AppliedGains
    from adapters.audio.limiter import TruePeakLimiter

CHUNK_SECONDS = 10
TILES_PER_STEP = 16  # loudness tiles per 100 ms: ~6 ms, finer than the limiter's gain moves
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
        self._meter = StreamingLoudnessMeter(layout.sample_rate, self._timeline.total, tiles_per_step=TILES_PER_STEP)
        self._chunk_count = -(-self._timeline.total // chunk_samples)
        container, subtype = ENCODINGS[audio_format]
        self._format = audio_format
        self._sink = sink
        self._layout = layout
        self._encoding = (container, subtype)
        self._file: soundfile.SoundFile | None = None
        self._limiter: TruePeakLimiter | None = None
        self._applied: AppliedGains | None = None
        self._emitted = 0
        self._peak = 0.0
        self._gain = 1.0
        self._work = InOrder("mix")  # measuring, or limiting and encoding, beside the mixing

    @property
    def chunk_count(self) -> int:
        return self._chunk_count

    def measure(self, index: int) -> None:
        self._work.submit(self._meter.add, self._timeline.mix(index))

    def levels(self) -> MixLevels:
        self._work.wait()
        return MixLevels(integrated_lufs=self._meter.integrated_lufs(), peak_dbfs=self._meter.peak_dbfs)

    def predicted_lufs(self, gain_db: float) -> float | None:
        self._work.wait()
        from adapters.audio.limited_loudness import predicted_weights

        ceiling = float(10 ** (LIMITER_CEILING_DBTP / 20))
        meter, rate = self._meter, self._layout.sample_rate
        weights = predicted_weights(meter.tile_peaks, meter.tile_sizes, 10 ** (gain_db / 20), ceiling, rate)
        return meter.integrated_lufs(weights)

    def encode(self, index: int, gain_db: float) -> None:
        out = self._open()
        if self._limiter is None or self._applied is None:
            # imported here: scipy takes seconds to import and only a render needs it
            from adapters.audio.limited_loudness import AppliedGains
            from adapters.audio.limiter import TruePeakLimiter

            self._limiter = TruePeakLimiter(self._layout.sample_rate, LIMITER_CEILING_DBTP)
            self._applied = AppliedGains(self._meter.tile_bounds)
            self._gain = 10 ** (gain_db / 20)
        chunk = self._timeline.mix(index)
        chunk *= np.float32(self._gain)
        self._work.submit(self._encode, out, self._limiter, self._applied, chunk, index == self._chunk_count - 1)

    def _encode(
        self, out: soundfile.SoundFile, limiter: TruePeakLimiter, applied: AppliedGains, chunk: np.ndarray, last: bool
    ) -> None:
        pieces = [self._limited(limiter, applied, chunk)]
        if last:
            pieces.append(self._limited(limiter, applied, None))
        for piece in pieces:
            if piece.size:
                self._peak = max(self._peak, float(np.max(np.abs(piece))))
            if self._format in ("wav", "flac"):
                piece *= np.float32(32768.0)
                np.rint(piece, out=piece)
                out.write(np.clip(piece, -32768, 32767, out=piece).astype(np.int16))
            else:
                out.write(np.clip(piece, -1.0, 1.0))

    def _limited(self, limiter: TruePeakLimiter, applied: AppliedGains, chunk: np.ndarray | None) -> np.ndarray:
        """The chunk through the limiter (None: what it still holds), its gains counted per tile."""
        piece = limiter.flush() if chunk is None else limiter.process(chunk)
        applied.add(limiter.gains, self._emitted)
        self._emitted += piece.size
        return piece

    def limiter_report(self) -> LimiterReport:
        self._work.wait()
        limiter = self._limiter
        peak = max(limiter.peak if limiter else 0.0, self._peak)  # the true peak is never under the sample peak
        output = self._applied.weights(self._gain, self._meter.tile_sizes) if self._applied else None
        return LimiterReport(
            true_peak_dbtp=20 * float(np.log10(peak)) if peak > 0 else None,
            peak_dbfs=20 * float(np.log10(self._peak)) if self._peak > 0 else None,
            limited_samples=limiter.limited_samples if limiter else 0,
            deepest_db=limiter.deepest_db if limiter else 0.0,
            output_lufs=None if output is None else self._meter.integrated_lufs(output),
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
        self._work.wait()
        self._work.close()
        self._open().close()  # an empty timeline still makes a valid (empty) file

    def discard(self) -> None:
        self._work.close()  # what is being written is finished first
        if self._file is not None and not self._file.closed:
            self._file.close()


def _preload_meter_libraries() -> None:
    # scipy takes seconds to import: done while the clips are synthesized
    import pyloudnorm  # noqa: F401

    import adapters.audio.limited_loudness
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
