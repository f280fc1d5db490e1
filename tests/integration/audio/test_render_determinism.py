"""Same input and settings → byte-identical WAV and FLAC, even from a cold cache on another run."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.audio.clips import NumpyClipProcessor
from adapters.audio.mixer import StreamingTrackMixer
from adapters.cache.packed_clip_cache import PackedClipCache
from adapters.storage.fs_blob_store import FsBlobStore
from adapters.subtitles.codec import IsolatedSubtitleCodec
from adapters.subtitles.render_input import CodecSubtitleFileReader
from adapters.tts.espeak import EspeakSpeechSynthesizer
from application.audio_pipeline.voice_over import RenderVoiceOver
from domain.render_options import RenderOptions

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("audio_format", ["wav", "flac"])
async def test_two_cold_renders_are_byte_identical(shared_dir: Path, tmp_path: Path, audio_format: str) -> None:
    cues = CodecSubtitleFileReader(IsolatedSubtitleCodec()).read(shared_dir / "corpus/subtitles/no-indexes.srt").cues
    engine = EspeakSpeechSynthesizer(workers=2)
    outputs = FsBlobStore(tmp_path / "out")
    try:
        for run in ("a", "b"):
            cache = PackedClipCache(FsBlobStore(tmp_path / f"cache-{run}", durable=False))
            use_case = RenderVoiceOver({"espeak": engine}, cache, NumpyClipProcessor(), StreamingTrackMixer(), outputs)
            await use_case.execute(cues, RenderOptions(format=audio_format), f"{run}.{audio_format}")  # type: ignore[arg-type]
    finally:
        engine.close()
    first = (tmp_path / "out" / f"a.{audio_format}").read_bytes()
    assert len(first) > 10_000
    assert first == (tmp_path / "out" / f"b.{audio_format}").read_bytes()
