"""The SpeechSynthesizer contract for Google Cloud TTS: the fake and the real adapter over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.text.lexicon_matcher import lexicon_matcher
from application.ports.speech import SpeechSynthesizer, SynthesisFailed, SynthesisRequest
from domain.lexicon import Lexicon, LexiconEntry, apply_lexicon, engine_text
from domain.voices import VoiceRef
from tests.fakes.catalogs import FakeGoogleSpeech
from tests.fakes.provider_fixtures import build, google_env
from tests.fakes.provider_servers import FakeGoogleTts, load

VOICE = VoiceRef(engine="google", name="en-US-Standard-A")


@pytest.fixture(params=["fake", "google-over-http"])
def synthesizer_and_backend(
    request: pytest.FixtureRequest, google_server: FakeGoogleTts, external: list, tmp_path: Path
) -> tuple[SpeechSynthesizer, FakeGoogleTts | FakeGoogleSpeech]:
    if request.param == "fake":
        fake = FakeGoogleSpeech()
        return fake, fake
    providers = build(external, tmp_path, **google_env(google_server))
    assert providers.google_tts is not None
    return providers.google_tts, google_server


# covers: S-EXT-1
async def test_voices_are_listed_with_language_and_sample_rate(synthesizer_and_backend: tuple) -> None:
    synthesizer, _ = synthesizer_and_backend
    voices = await synthesizer.list_voices()
    assert voices
    assert all(v.engine == "google" and v.language and v.sample_rate > 0 for v in voices)
    assert synthesizer.engine == "google"
    assert synthesizer.engine_version


async def test_a_batch_gives_one_mono_int16_clip_per_request_in_order(synthesizer_and_backend: tuple) -> None:
    synthesizer, _ = synthesizer_and_backend
    texts = ["Hi.", "A much longer line of dialogue than the first one.", "Ok"]
    clips = await synthesizer.synthesize([SynthesisRequest(text=t, voice=VOICE) for t in texts])
    assert len(clips) == 3
    assert all(len(c.pcm) % 2 == 0 and c.sample_rate == 24000 for c in clips)
    assert clips[1].duration_ms > clips[0].duration_ms > 0


async def test_a_faster_rate_gives_a_shorter_clip(synthesizer_and_backend: tuple) -> None:
    synthesizer, _ = synthesizer_and_backend
    text = "The same sentence at two speeds."
    normal, fast = await synthesizer.synthesize(
        [SynthesisRequest(text=text, voice=VOICE), SynthesisRequest(text=text, voice=VOICE, rate=2.0)]
    )
    assert fast.duration_ms < normal.duration_ms


async def test_a_text_longer_than_5000_bytes_is_synthesized_whole(synthesizer_and_backend: tuple) -> None:
    synthesizer, backend = synthesizer_and_backend
    text = " ".join(["Ça va très bien, merci à vous."] * 250)  # ~8 000 bytes, ~7 500 characters
    [clip] = await synthesizer.synthesize([SynthesisRequest(text=text, voice=VOICE)])
    assert clip.duration_ms > 1000
    if isinstance(backend, FakeGoogleTts):
        sent = [b["input"]["text"] for b in backend.synthesized]
        assert len(sent) >= 2
        assert all(len(t.encode()) <= 5000 for t in sent)
        assert all(t.endswith(".") for t in sent)  # cut at sentence boundaries
        assert " ".join(sent) == text


async def test_refused_credentials_fail_the_batch_with_provider_auth_failed(synthesizer_and_backend: tuple) -> None:
    synthesizer, backend = synthesizer_and_backend
    if isinstance(backend, FakeGoogleTts):
        backend.refuse_api_keys = True
    else:
        backend.refuse_credentials = True
    with pytest.raises(SynthesisFailed) as caught:
        await synthesizer.synthesize([SynthesisRequest(text="Hello.", voice=VOICE)])
    assert caught.value.code == "provider_auth_failed"
    assert caught.value.index == 0
    assert caught.value.retryable is False  # type: ignore[attr-defined]


async def test_the_requested_sample_rate_is_honoured(synthesizer_and_backend: tuple) -> None:
    synthesizer, backend = synthesizer_and_backend
    if isinstance(backend, FakeGoogleSpeech):
        pytest.skip("the in-memory fake has one rate (callers must read SpeechClip.sample_rate)")
    [clip] = await synthesizer.synthesize([SynthesisRequest(text="Hello.", voice=VOICE, sample_rate=16000)])
    assert clip.sample_rate == 16000
    assert backend.synthesized[-1]["audioConfig"]["sampleRateHertz"] == 16000


async def test_a_pronunciation_is_sent_as_ssml_shaped_like_the_recorded_request(
    google_server: FakeGoogleTts, external: list, tmp_path: Path
) -> None:
    """The lexicon's SSML reaches Google as `input.ssml` (the recorded SSML request's shape), in one piece,
    and the server reads it as well-formed SSML; plain text still goes as `input.text`."""
    synthesizer = build(external, tmp_path, **google_env(google_server)).google_tts
    lexicon = Lexicon(entries=(LexiconEntry(match="Nguyen", replace="ŋwiən", kind="ipa"),))
    ssml = engine_text(apply_lexicon("Tom & Mister Nguyen.", lexicon, lexicon_matcher(lexicon)), lexicon, "google")
    spoken, plain = await synthesizer.synthesize(
        [SynthesisRequest(text=ssml, voice=VOICE), SynthesisRequest(text="Tom & Mister Win.", voice=VOICE)]
    )
    recorded = load("google-tts.synthesize.request.ssml.json")
    by_input = {next(iter(body["input"])): body for body in google_server.synthesized}
    assert set(by_input) == {"ssml", "text"}
    sent = by_input["ssml"]
    assert set(sent) == set(recorded) and set(sent["input"]) == set(recorded["input"]) == {"ssml"}
    assert set(recorded["voice"]) - {"ssmlGender"} <= set(sent["voice"])
    assert sent["input"]["ssml"] == (
        '<speak>Tom &amp; Mister <phoneme alphabet="ipa" ph="ŋwiən">Nguyen</phoneme>.</speak>'
    )
    assert by_input["text"]["input"]["text"] == "Tom & Mister Win."
    assert spoken.duration_ms > 0 and plain.duration_ms > 0
