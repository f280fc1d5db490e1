"""One contract for every SpeechSynthesizer: the fake and the offline engines (espeak-ng, hibari)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.tts.espeak import EspeakSpeechSynthesizer
from adapters.tts.hibari import HibariSpeechSynthesizer
from application.errors import InvalidInput
from application.ports.speech import SpeechSynthesizer, SynthesisRequest
from domain.voices import VoiceRef
from tests.fakes.speech import FakeSpeechSynthesizer

SENTENCE = "The quick brown fox jumps over the lazy dog."
ENGLISH = {"fake": "en-test", "espeak": "en-us", "hibari": "heart"}


@pytest.fixture(
    params=["fake", pytest.param("espeak", marks=pytest.mark.slow), pytest.param("hibari", marks=pytest.mark.slow)],
    scope="module",
)
async def synthesizer(request: pytest.FixtureRequest) -> AsyncIterator[SpeechSynthesizer]:
    if request.param == "fake":
        yield FakeSpeechSynthesizer()
        return
    engine = EspeakSpeechSynthesizer(workers=2) if request.param == "espeak" else HibariSpeechSynthesizer(workers=2)
    try:
        yield engine
    finally:
        engine.close()


def _voice(synthesizer: SpeechSynthesizer) -> VoiceRef:
    return VoiceRef(engine=synthesizer.engine, name=ENGLISH[synthesizer.engine])


async def test_lists_voices_of_its_engine_including_an_english_one(synthesizer: SpeechSynthesizer) -> None:
    voices = await synthesizer.list_voices()
    assert voices
    assert all(voice.engine == synthesizer.engine and voice.sample_rate > 0 for voice in voices)
    assert ENGLISH[synthesizer.engine] in {voice.name for voice in voices}
    assert synthesizer.engine_version


async def test_speech_is_non_empty_int16_audio(synthesizer: SpeechSynthesizer) -> None:
    (clip,) = await synthesizer.synthesize([SynthesisRequest(text=SENTENCE, voice=_voice(synthesizer))])
    assert clip.sample_rate > 0
    assert len(clip.pcm) % 2 == 0
    assert 1000 < clip.duration_ms < 10_000
    assert max(abs(int.from_bytes(clip.pcm[i : i + 2], "little", signed=True)) for i in range(0, 20000, 2)) > 0


async def test_faster_rate_gives_a_shorter_clip(synthesizer: SpeechSynthesizer) -> None:
    voice = _voice(synthesizer)
    slow, fast = await synthesizer.synthesize(
        [SynthesisRequest(text=SENTENCE, voice=voice, rate=1.0), SynthesisRequest(text=SENTENCE, voice=voice, rate=1.5)]
    )
    assert fast.duration_ms < slow.duration_ms * 0.8


async def test_a_batch_keeps_its_order(synthesizer: SpeechSynthesizer) -> None:
    voice = _voice(synthesizer)
    texts = ["One.", "This one is a good deal longer than the first.", "Two words.", "A medium length line."]
    clips = await synthesizer.synthesize([SynthesisRequest(text=text, voice=voice) for text in texts])
    lengths = [clip.duration_ms for clip in clips]
    assert lengths.index(max(lengths)) == 1
    assert lengths.index(min(lengths)) == 0


async def test_the_wanted_sample_rate_is_honoured_or_reported(synthesizer: SpeechSynthesizer) -> None:
    (clip,) = await synthesizer.synthesize(
        [SynthesisRequest(text="Hello.", voice=_voice(synthesizer), sample_rate=24000)]
    )
    assert clip.sample_rate in (24000, *(v.sample_rate for v in await synthesizer.list_voices()))


async def test_an_unknown_voice_is_refused(synthesizer: SpeechSynthesizer) -> None:
    with pytest.raises(InvalidInput) as caught:
        await synthesizer.synthesize(
            [SynthesisRequest(text="Hi.", voice=VoiceRef(engine=synthesizer.engine, name="xx-none"))]
        )
    assert caught.value.code == "unknown_voice"


async def test_an_empty_batch_is_empty(synthesizer: SpeechSynthesizer) -> None:
    assert await synthesizer.synthesize([]) == []
