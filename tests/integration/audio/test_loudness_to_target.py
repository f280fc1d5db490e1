"""Renders with the real engines reach −16 LUFS within ±0.5 LU with the true peak at or under −1 dBTP,
measured on the decoded file by other code than the renderer's (pyloudnorm, scipy's resampler)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
import pyloudnorm
import pytest
import soundfile
from scipy.signal import resample_poly

from adapters.audio.clips import NumpyClipProcessor
from adapters.audio.mixer import StreamingTrackMixer
from adapters.tts.espeak import EspeakSpeechSynthesizer
from adapters.tts.hibari import HibariSpeechSynthesizer
from application.audio_pipeline.voice_over import RenderVoiceOver
from application.ports.speech import SpeechSynthesizer
from domain.render_options import RenderOptions
from domain.timing import RenderCue
from domain.voices import VoiceRef
from tests.fakes.storage import InMemoryBlobStore, InMemoryClipCache

pytestmark = pytest.mark.slow

LINES = [
    "Where were you last night? I called three times!",
    "At the station. The train was late, again.",
    "You could have sent a message.",
    "My phone died. I'm sorry, truly.",
    "Fine. Dinner is cold, but it's on the table.",
    "Thank you. What's this? Did you bake bread?",
    "Don't change the subject! We need to talk about the trip.",
    "All right. Tomorrow, after work. I promise.",
    "STOP! Don't touch that wire!",
    "Okay, okay. Nobody panic.",
    "Seven hundred and forty-two kilometres to go.",
    "Then we had better leave before sunrise.",
]
VOICES = {"espeak": "en-us", "hibari": "heart"}


def _cues() -> list[RenderCue]:
    return [RenderCue(id=str(i), start_ms=i * 4000, end_ms=i * 4000 + 3500, text=text) for i, text in enumerate(LINES)]


@pytest.fixture(params=["espeak", "hibari"], scope="module")
def engine(request: pytest.FixtureRequest) -> Iterator[SpeechSynthesizer]:
    synthesizer = (
        EspeakSpeechSynthesizer(workers=2) if request.param == "espeak" else HibariSpeechSynthesizer(workers=2)
    )
    yield synthesizer
    synthesizer.close()


@pytest.mark.parametrize("audio_format", ["wav", "flac"])
async def test_a_render_lands_on_the_target_under_the_true_peak_ceiling(
    engine: SpeechSynthesizer, audio_format: str
) -> None:
    store = InMemoryBlobStore()
    render = RenderVoiceOver(
        {engine.engine: engine}, InMemoryClipCache(), NumpyClipProcessor(), StreamingTrackMixer(), store
    )
    options = RenderOptions(voice=VoiceRef(engine=engine.engine, name=VOICES[engine.engine]), format=audio_format)
    report = await render.execute(_cues(), options, f"out.{audio_format}")

    audio, rate = soundfile.read(io.BytesIO(store.blobs[f"out.{audio_format}"]), dtype="float64")
    loudness = pyloudnorm.Meter(rate).integrated_loudness(audio)
    true_peak_dbtp = 20 * np.log10(np.max(np.abs(resample_poly(audio, 4, 1))))
    assert loudness == pytest.approx(-16.0, abs=0.5)
    assert true_peak_dbtp <= -1.0
    assert report.loudness.output_lufs == pytest.approx(loudness, abs=0.3)
    assert report.loudness.true_peak_dbtp is not None
    assert report.loudness.true_peak_dbtp == pytest.approx(true_peak_dbtp, abs=0.3)
