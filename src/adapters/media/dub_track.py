"""The dub's audio, block by block: the voice stem resampled to the delivery rate, over a bed
(the original soundtrack ducked under speech, or a music-and-effects stem), measured as it goes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

import av
import numpy as np
import soundfile
import soxr

from adapters.audio.ducking import DuckingEnvelope
from adapters.audio.loudness import StreamingLoudnessMeter, channels_lufs

_BLOCK = 4096
_STEREO_PAN = np.float32(10 ** (-3.0103 / 20))  # a mono voice in both channels keeps its loudness


class _Fifo:
    """Samples (channels × n) buffered between a producer of odd-sized pieces and exact-size reads."""

    def __init__(self, channels: int) -> None:
        self._channels = channels
        self._pieces: list[np.ndarray] = []
        self.size = 0

    def push(self, piece: np.ndarray) -> None:
        if piece.shape[1]:
            self._pieces.append(piece)
            self.size += piece.shape[1]

    def pop(self, count: int) -> np.ndarray:
        """Exactly `count` samples, zero-padded when the producer has run dry."""
        out = np.zeros((self._channels, count), dtype=np.float32)
        filled = 0
        while filled < count and self._pieces:
            piece = self._pieces[0]
            take = min(count - filled, piece.shape[1])
            out[:, filled : filled + take] = piece[:, :take]
            filled += take
            if take == piece.shape[1]:
                self._pieces.pop(0)
            else:
                self._pieces[0] = piece[:, take:]
        self.size -= filled
        return out


class VoiceReader:
    """The mono voice stem (any soundfile format) at the delivery rate."""

    def __init__(self, handle: BinaryIO, rate: int) -> None:
        self._file = soundfile.SoundFile(handle)
        self.source_rate = self._file.samplerate
        self._resampler = (
            None if self.source_rate == rate else soxr.ResampleStream(self.source_rate, rate, 1, "float32", "HQ")
        )
        self._fifo = _Fifo(1)
        self._ended = False

    def read(self, count: int) -> np.ndarray:
        while self._fifo.size < count and not self._ended:
            block = self._file.read(_BLOCK, dtype="float32", always_2d=True)[:, 0]
            self._ended = block.size < _BLOCK
            if self._resampler is not None:
                block = self._resampler.resample_chunk(block, last=self._ended)
            self._fifo.push(block[None, :])
        samples: np.ndarray = self._fifo.pop(count)[0]
        return samples


class BedReader:
    """One audio stream of a media file, decoded and converted to the delivery rate and layout."""

    def __init__(self, handle: BinaryIO, stream_index: int | None, rate: int, layout: str) -> None:
        self._container = av.open(handle, mode="r")
        streams = self._container.streams.audio
        self._stream = (
            next(s for s in self._container.streams if s.index == stream_index)
            if stream_index is not None
            else streams[0]
        )
        self._resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)
        self._frames: Iterator[Any] = self._container.decode(self._stream)
        self._fifo = _Fifo(len(av.AudioLayout(layout).channels))
        self._ended = False

    def read(self, count: int) -> np.ndarray:
        while self._fifo.size < count and not self._ended:
            frame = next(self._frames, None)
            self._ended = frame is None
            for out in self._resampler.resample(frame):
                self._fifo.push(out.to_ndarray().astype(np.float32, copy=False))
        return self._fifo.pop(count)

    def close(self) -> None:
        self._container.close()


class DubMixer:
    """Voice over the (ducked) bed, `count` samples at a time, with loudness and peak measured."""

    def __init__(
        self,
        voice: VoiceReader,
        bed: BedReader | None,
        envelope: DuckingEnvelope | None,
        *,
        channels: int,
        total_samples: int,
        rate: int,
    ) -> None:
        self._voice = voice
        self._bed = bed
        self._envelope = envelope
        self._channels = channels
        self._meters = [StreamingLoudnessMeter(rate, total_samples) for _ in range(channels)]
        self._peak = 0.0
        self.position = 0
        self.total = total_samples

    def next_block(self, count: int = _BLOCK) -> np.ndarray:
        """The next `count` samples (fewer at the end), channels × n float32 within [-1, 1]."""
        count = min(count, self.total - self.position)
        voice = self._voice.read(count)
        if self._channels > 1:
            voice = voice * _STEREO_PAN
        if self._bed is None:
            mix = np.repeat(voice[None, :], self._channels, axis=0)
        else:
            mix = self._bed.read(count)
            if self._envelope is not None:
                mix *= self._envelope.gain(self.position, count)[None, :]
            mix += voice[None, :]
        self._peak = max(self._peak, float(np.max(np.abs(mix), initial=0.0)))
        np.clip(mix, -1.0, 1.0, out=mix)
        for channel, meter in enumerate(self._meters):
            meter.add(mix[channel])
        self.position += count
        return mix

    @property
    def done(self) -> bool:
        return self.position >= self.total

    def lufs(self) -> float | None:
        return channels_lufs(self._meters)

    def peak_dbfs(self) -> float | None:
        return 20 * float(np.log10(self._peak)) if self._peak > 0 else None
