"""What the neural engine adds to the speech contract: same bytes for the same request, trimmed edges,
`speed` from the fit, tiers and languages in its listing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import numpy as np
import pytest

from adapters.tts.hibari import HibariSpeechSynthesizer
from application.ports.speech import SynthesisRequest
from domain.voices import VoiceRef

pytestmark = pytest.mark.slow
HEART = VoiceRef(engine="hibari", name="heart")
LINE = "Same text, same audio, every single time."


@pytest.fixture(scope="module")
async def hibari() -> AsyncIterator[HibariSpeechSynthesizer]:
    engine = HibariSpeechSynthesizer(workers=2)
    try:
        yield engine
    finally:
        engine.close()


async def test_the_bundled_voice_is_listed_as_neural_english(hibari: HibariSpeechSynthesizer) -> None:
    (heart,) = [voice for voice in await hibari.list_voices() if voice.name == "heart"]
    assert (heart.language, heart.gender, heart.sample_rate, heart.tier) == ("en-US", "female", 24000, "neural")
    assert "hibari-tts 0.2" in hibari.engine_version and "seed 0" in hibari.engine_version


async def test_the_same_request_gives_the_same_bytes_from_any_worker(hibari: HibariSpeechSynthesizer) -> None:
    clips = await hibari.synthesize([SynthesisRequest(text=LINE, voice=HEART)] * 4)  # spread over both processes
    assert len({clip.pcm for clip in clips}) == 1


async def test_edge_silence_is_trimmed(hibari: HibariSpeechSynthesizer) -> None:
    (clip,) = await hibari.synthesize([SynthesisRequest(text="Hello there.", voice=HEART)])
    samples = np.frombuffer(clip.pcm, dtype="<i2").astype(np.float32) / 32768
    threshold = 10 ** (-60 / 20)
    assert abs(samples[0]) > threshold and abs(samples[-1]) > threshold  # the model pads ~0.3 s / 0.4 s
    assert clip.duration_ms < 1200


async def test_speed_follows_the_rate_and_is_capped_at_the_models_range(hibari: HibariSpeechSynthesizer) -> None:
    natural, fast, fastest = await hibari.synthesize(
        [SynthesisRequest(text=LINE, voice=HEART, rate=rate) for rate in (1.0, 1.5, 2.5)]
    )
    assert fast.duration_ms < natural.duration_ms * 0.8
    assert fastest.duration_ms > natural.duration_ms * 0.4  # 2.5 asked, 2.0 given


async def test_the_wanted_sample_rate_is_honoured(hibari: HibariSpeechSynthesizer) -> None:
    (clip,) = await hibari.synthesize([SynthesisRequest(text="Hello.", voice=HEART, sample_rate=48000)])
    assert clip.sample_rate == 48000
