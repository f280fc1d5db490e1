"""Cancelling while the mix is being encoded leaves nothing on disk (the encoder is released first)."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.audio.clips import NumpyClipProcessor
from adapters.audio.mixer import StreamingTrackMixer
from adapters.storage.fs_blob_store import FsBlobStore
from application.audio_pipeline.voice_over import RenderCancelled, RenderProgress, RenderVoiceOver
from domain.render_options import RenderOptions
from domain.timing import RenderCue
from domain.voices import VoiceRef
from tests.fakes.speech import FakeSpeechSynthesizer
from tests.fakes.storage import InMemoryClipCache


@pytest.mark.parametrize("stage", ["measuring", "encoding"])
async def test_cancel_during_the_mix_leaves_no_file(tmp_path: Path, stage: str) -> None:
    store = FsBlobStore(tmp_path)
    use_case = RenderVoiceOver(
        {"fake": FakeSpeechSynthesizer(ms_per_char=50)},
        InMemoryClipCache(),
        NumpyClipProcessor(),
        StreamingTrackMixer(chunk_seconds=1, preload=False),
        store,
        chunks_per_step=1,
    )
    seen: list[str] = []

    async def progress(update: RenderProgress) -> None:
        seen.append(update.stage)

    async def cancel() -> bool:
        return seen.count(stage) >= 3

    cues = [RenderCue(id=str(i), start_ms=i * 2000, end_ms=i * 2000 + 1500, text="a" * 20) for i in range(10)]
    with pytest.raises(RenderCancelled):
        await use_case.execute(
            cues, RenderOptions(voice=VoiceRef(engine="fake", name="en-test"), format="flac"), "out/track.flac",
            progress=progress, cancel=cancel,
        )  # fmt: skip
    assert stage in seen
    assert list((tmp_path / "out").iterdir()) == []
