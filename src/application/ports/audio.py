"""What the renderer needs of audio processing: clip preparation, and a streaming mix-and-encode session."""

from __future__ import annotations

from typing import BinaryIO, Protocol

import msgspec

from application.ports.clip_cache import ClipCache
from application.ports.speech import SpeechClip
from domain.render_options import AudioFormat


class Placement(msgspec.Struct, frozen=True, kw_only=True):
    start_ms: int
    clip_key: str  # in the clip cache
    samples: int


class TrackLayout(msgspec.Struct, frozen=True, kw_only=True):
    sample_rate: int
    duration_ms: int
    placements: tuple[Placement, ...]


class MixLevels(msgspec.Struct, frozen=True, kw_only=True):
    integrated_lufs: float | None  # None when the mix is silent
    peak_dbfs: float | None


class LimiterReport(msgspec.Struct, frozen=True, kw_only=True):
    """What the true-peak limiter did to the encoded mix."""

    true_peak_dbtp: float | None  # None when the mix is silent
    peak_dbfs: float | None
    limited_samples: int
    deepest_db: float  # its largest reduction (0 when it never worked)
    output_lufs: float | None = None  # integrated loudness of what was encoded (None: silent)


class ClipProcessor(Protocol):
    def prepare(self, clip: SpeechClip, sample_rate: int) -> bytes:
        """Resample to `sample_rate` and trim leading and trailing silence; int16 PCM out."""
        ...

    def shape(self, pcm: bytes, sample_rate: int, *, stretch: float, keep_samples: int | None, fade_ms: int) -> bytes:
        """Time-stretch by `stretch` (> 1 = faster, pitch kept), then cut to `keep_samples` with a fade-out."""
        ...


class MixSession(Protocol):
    """Mixes the layout in bounded chunks: once to measure, once to encode with the gain and the
    true-peak limiter. What the limiter will leave of the loudness at a gain is told from the
    measuring pass, without mixing again."""

    @property
    def chunk_count(self) -> int: ...

    def measure(self, index: int) -> None:
        """Mix chunk `index` (in order) and take its loudness and peak into account."""
        ...

    def levels(self) -> MixLevels: ...

    def predicted_lufs(self, gain_db: float) -> float | None:
        """After measuring: the integrated loudness of the mix through the gain and the limiter."""
        ...

    def encode(self, index: int, gain_db: float) -> None:
        """Mix chunk `index` again (in order), apply the gain and the limiter and encode it into the sink."""
        ...

    def limiter_report(self) -> LimiterReport:
        """After `finish`: the true peak of what was encoded and how much the limiter worked."""
        ...

    def finish(self) -> None:
        """Flush the encoder; the sink then holds the whole file."""
        ...

    def discard(self) -> None:
        """Release the encoder without finishing: the sink is about to be thrown away."""
        ...


class TrackMixer(Protocol):
    def start(self, layout: TrackLayout, clips: ClipCache, sink: BinaryIO, audio_format: AudioFormat) -> MixSession: ...
