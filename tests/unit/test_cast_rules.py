"""The cast's pure rules: names as cues store them, language tags, and the order a cue's voice is chosen in."""

from __future__ import annotations

import pytest

from domain.cast import Cast, checked_cast, choose_voice, speakers_without_cues, speaks
from domain.errors import InvariantViolated
from domain.voices import VoiceRef

A = VoiceRef(engine="hibari", name="heart")
B = VoiceRef(engine="espeak", name="en-us")
C = VoiceRef(engine="espeak", name="fr-fr")
RENDER = VoiceRef(engine="espeak", name="de")


def test_speaker_names_are_stored_as_cues_store_them_and_language_tags_are_checked() -> None:
    cast = checked_cast({"  Mary   Jane ": A}, {"pt-BR": B})
    assert cast.speakers == {"Mary Jane": A} and cast.defaults == {"pt-BR": B}
    with pytest.raises(InvariantViolated):
        checked_cast({"   ": A}, {})
    with pytest.raises(InvariantViolated):
        checked_cast({"x" * 101: A}, {})
    with pytest.raises(InvariantViolated):
        checked_cast({"Ann": A, " Ann ": B}, {})
    with pytest.raises(InvariantViolated) as caught:
        checked_cast({}, {"english please": A})
    assert caught.value.field == "defaults.english please"
    with pytest.raises(InvariantViolated):
        checked_cast({}, {"en": A, "EN": B})


def test_the_cue_voice_wins_then_the_speaker_then_the_language_default_then_the_render_voice() -> None:
    cast = Cast(speakers={"Ann": A}, defaults={"en-GB": B, "fr": C})
    assert choose_voice(RENDER, "Ann", cast, "en", A) == (RENDER, "cue.voice")
    assert choose_voice(None, "Ann", cast, "en", RENDER) == (A, "cast.speakers.Ann")
    assert choose_voice(None, "Bo", cast, "fr-CA", RENDER) == (C, "cast.defaults.fr")  # same primary language
    assert choose_voice(None, None, cast, "en-gb", RENDER) == (B, "cast.defaults.en-GB")  # exact, any case
    assert choose_voice(None, "Bo", cast, "de", RENDER) == (RENDER, "voice")
    assert choose_voice(None, "Ann", None, "en", RENDER) == (RENDER, "voice")


def test_an_exact_language_default_beats_one_of_the_same_primary_language() -> None:
    cast = Cast(defaults={"pt": B, "pt-BR": A})
    assert choose_voice(None, None, cast, "pt-BR", RENDER)[0] == A
    assert choose_voice(None, None, cast, "pt-PT", RENDER)[0] == B


def test_speakers_no_cue_names_are_reported_and_languages_match_by_primary_subtag() -> None:
    assert speakers_without_cues(Cast(speakers={"Ann": A, "Zed": B, "Bo": C}), ["Ann", None]) == ["Bo", "Zed"]
    assert speaks("en-US", "en") and speaks("en-GB", "en-us") and not speaks("en-US", "fr")
