"""A render resolves each cue's voice from the project's cast when it is asked for, keeps it in its
snapshot and reports it; bad casts are refused naming the speaker or the language."""

from __future__ import annotations

from uuid import UUID

import pytest

from adapters.system import Uuid7Generator
from application.errors import InvalidInput
from application.use_cases.renders.request_render import RequestRender
from domain.cast import Cast
from domain.projects import ProjectRole
from domain.render_options import RenderOptions
from domain.timing import RenderCue
from domain.voices import VoiceRef
from tests.fakes.speech import NEURAL_VOICES, FakeSpeechSynthesizer
from tests.unit.renders.rig import OPTIONS, Rig, actor, make_rig

ALICE = VoiceRef(engine="neural", name="aria")
BOB = VoiceRef(engine="fake", name="fr-test")
ENGLISH = VoiceRef(engine="fake", name="en-test")
CUE_OWN = VoiceRef(engine="fake", name="ja-test")


def _request(rig: Rig) -> RequestRender:
    neural = FakeSpeechSynthesizer(ms_per_char=40, engine="neural", voices=NEURAL_VOICES)
    return RequestRender(rig.uow(), {"fake": rig.engine, "neural": neural}, rig.clock, Uuid7Generator())


def _two_speaker_track(rig: Rig, language: str = "en") -> UUID:
    track = rig.track(0)
    rig.state.languages[track] = language
    rig.state.tracks[track] = [
        RenderCue(id="a", start_ms=0, end_ms=1500, text="Hello, Bob.", speaker="Alice"),
        RenderCue(id="b", start_ms=2000, end_ms=3500, text="Hi, Alice.", speaker="Bob"),
        RenderCue(id="n", start_ms=4000, end_ms=5500, text="A narrator speaks.", speaker=None),
        RenderCue(id="x", start_ms=6000, end_ms=7500, text="Someone else.", speaker="Carol"),
        RenderCue(id="own", start_ms=8000, end_ms=9500, text="My own voice.", speaker="Alice", voice=CUE_OWN),
    ]
    return track


async def test_the_cue_voice_wins_then_the_speaker_then_the_language_default_then_the_render_voice() -> None:
    rig = make_rig()
    editor = actor()
    track = _two_speaker_track(rig)
    rig.grant(track, editor, ProjectRole.EDITOR)
    rig.state.casts[track] = Cast(speakers={"Alice": ALICE, "Bob": BOB}, defaults={"en-US": ENGLISH})
    render = await _request(rig).execute(editor, track, RenderOptions(voice=BOB))
    voices = {cue.id: cue.voice for cue in rig.state.cues[render.id]}
    assert voices == {"a": ALICE, "b": BOB, "n": ENGLISH, "x": ENGLISH, "own": CUE_OWN}


async def test_without_a_default_for_the_language_the_render_voice_speaks_the_rest() -> None:
    rig = make_rig()
    editor = actor()
    track = _two_speaker_track(rig)
    rig.grant(track, editor, ProjectRole.EDITOR)
    rig.state.casts[track] = Cast(speakers={"Alice": ALICE}, defaults={"fr": BOB})
    render = await _request(rig).execute(editor, track, OPTIONS)
    voices = {cue.id: cue.voice for cue in rig.state.cues[render.id]}
    assert voices == {"a": ALICE, "b": ENGLISH, "n": ENGLISH, "x": ENGLISH, "own": CUE_OWN}


async def test_a_cast_voice_that_no_longer_exists_is_refused_naming_the_speaker() -> None:
    rig = make_rig()
    editor = actor()
    track = _two_speaker_track(rig)
    rig.grant(track, editor, ProjectRole.EDITOR)
    gone = VoiceRef(engine="cloud", name="retired")
    rig.state.casts[track] = Cast(speakers={"Bob": gone})
    with pytest.raises(InvalidInput) as caught:
        await _request(rig).execute(editor, track, OPTIONS)
    assert caught.value.code == "unknown_voice"
    assert [error.field for error in caught.value.errors] == ["cast.speakers.Bob"]
    assert not rig.state.jobs and not rig.state.renders


async def test_a_neural_voice_asked_for_a_language_it_cannot_speak_is_refused_listing_its_languages() -> None:
    rig = make_rig()
    editor = actor()
    track = _two_speaker_track(rig, language="de")
    rig.grant(track, editor, ProjectRole.EDITOR)
    rig.state.casts[track] = Cast(speakers={"Alice": ALICE})
    with pytest.raises(InvalidInput) as caught:
        await _request(rig).execute(editor, track, OPTIONS)
    assert caught.value.code == "language_unsupported"
    (error,) = caught.value.errors
    assert error.field == "cast.speakers.Alice" and "cannot speak de" in error.message and "en-US" in error.message


async def test_the_report_lists_each_cues_voice_and_speaker() -> None:
    rig = make_rig()
    editor = actor()
    track = _two_speaker_track(rig)
    rig.grant(track, editor, ProjectRole.EDITOR)
    rig.state.casts[track] = Cast(speakers={"Bob": BOB})
    render = await _request(rig).execute(editor, track, OPTIONS)
    await rig.execute().execute(render.id, final_attempt=True)
    report = {fit.cue_id: (fit.voice, fit.speaker) for fit in rig.state.reports[render.id]}
    assert report["b"] == ("fake:fr-test", "Bob")
    assert report["a"] == ("fake:en-test", "Alice")
    assert report["own"] == ("fake:ja-test", "Alice")
