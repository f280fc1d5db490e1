"""The pronunciation lexicon: validation (plain text only, bounded), Aho–Corasick matching, what each
engine is sent, and its effect on a render (fake engine, real clip pipeline)."""

from __future__ import annotations

import pytest

from adapters.audio.clips import NumpyClipProcessor
from adapters.audio.mixer import StreamingTrackMixer
from adapters.text.lexicon_matcher import lexicon_matcher
from application.audio_pipeline.voice_over import RenderVoiceOver
from application.errors import InvalidInput
from domain.errors import InvariantViolated
from domain.lexicon import (
    MAX_ENTRIES,
    Lexicon,
    LexiconEntry,
    apply_lexicon,
    engine_text,
    is_ssml,
    plain_text,
    ssml_words,
)
from domain.render_options import RenderOptions
from domain.speaking_rate import spoken_chars
from domain.timing import RenderCue
from domain.voices import VoiceRef
from tests.fakes.speech import FakeSpeechSynthesizer
from tests.fakes.storage import InMemoryBlobStore, InMemoryClipCache

VOICE = VoiceRef(engine="fake", name="en-test")


def said(text: str, *entries: LexiconEntry, engine: str = "fake") -> str:
    lexicon = Lexicon(entries=entries)
    return engine_text(apply_lexicon(text, lexicon, lexicon_matcher(lexicon)), lexicon, engine)


def test_entries_replace_whole_words_ignoring_case_unless_asked() -> None:
    rj = LexiconEntry(match="RJ45", replace="R J forty-five")
    assert said("Plug the rj45 cable. RJ45s are cheap.", rj) == "Plug the R J forty-five cable. RJ45s are cheap."
    part = LexiconEntry(match="co", replace="company", whole_word=False, case_sensitive=True)
    assert said("Acme Co and co-op", part) == "Acme Co and company-op"


def test_the_longest_match_wins_and_a_replacement_is_never_matched_again() -> None:
    entries = (
        LexiconEntry(match="New York", replace="Noo Yawk"),
        LexiconEntry(match="New", replace="Brand new"),
        LexiconEntry(match="Noo", replace="never"),
    )
    assert said("New York is new", *entries) == "Noo Yawk is Brand new"


def test_pronunciations_go_inline_to_espeak_and_are_refused_for_an_engine_without_phoneme_input() -> None:
    ipa = LexiconEntry(match="Nguyen", replace="w'In", kind="ipa")
    assert said("Mister Nguyen", ipa, engine="espeak") == "Mister  [[w'In]] "
    assert said("a [[trick]]", engine="espeak") == "a  trick "  # cue text cannot open phoneme input
    with pytest.raises(InvariantViolated) as caught:
        said("Mister Nguyen", LexiconEntry(match="x", replace="y"), ipa, engine="openai")
    assert "entries[1]" in caught.value.message and "'openai'" in caught.value.message
    assert caught.value.field == "entries[1].kind"


def test_pronunciations_go_to_google_as_ssml_phonemes_around_the_words_with_everything_escaped() -> None:
    rj = LexiconEntry(match="RJ45", replace="ˌɑːɹˈdʒeɪ fɔɹti faɪv", kind="ipa")
    sent = said('Plug the rj45 & <not> a "tag"', rj, engine="google")
    assert sent == (
        '<speak>Plug the <phoneme alphabet="ipa" ph="ˌɑːɹˈdʒeɪ fɔɹti faɪv">rj45</phoneme> &amp; &lt;not&gt; a '
        '"tag"</speak>'
    )
    assert is_ssml(sent) and ssml_words(sent) == 'Plug the rj45 & <not> a "tag"'
    assert spoken_chars(sent) == spoken_chars('Plug the rj45 & <not> a "tag"')  # the fit check counts words
    assert said("Plain & simple <b>", engine="google") == "Plain & simple <b>"  # no pronunciation: plain text
    tricky = said("<speak>x</speak>", engine="google")  # cue text that looks like SSML is read as words
    assert tricky == "<speak>&lt;speak&gt;x&lt;/speak&gt;</speak>" and ssml_words(tricky) == "<speak>x</speak>"


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        (LexiconEntry(match="  ", replace="x"), "entries[0].match"),
        (LexiconEntry(match="colou?r", replace="color"), "entries[0].match"),  # a regex-like pattern
        (LexiconEntry(match="(a|b)", replace="x"), "entries[0].match"),
        (LexiconEntry(match="x" * 101, replace="y"), "entries[0].match"),
        (LexiconEntry(match="tomato", replace="", kind="ipa"), "entries[0].replace"),
        (LexiconEntry(match="tomato", replace="t@]]m", kind="ipa"), "entries[0].replace"),
    ],
)
def test_bad_entries_are_refused_naming_the_entry(entry: LexiconEntry, field: str) -> None:
    with pytest.raises(InvariantViolated) as caught:
        Lexicon(entries=(entry,))
    assert caught.value.field == field


def test_a_lexicon_is_bounded_and_matching_stays_linear_with_many_entries() -> None:
    with pytest.raises(InvariantViolated) as caught:
        Lexicon(entries=tuple(LexiconEntry(match=f"word{i}", replace="w") for i in range(10_000)))
    assert caught.value.field == "entries"
    lexicon = Lexicon(entries=tuple(LexiconEntry(match=f"name{i}", replace=f"N{i}") for i in range(MAX_ENTRIES)))
    matcher = lexicon_matcher(lexicon)
    text = " ".join([f"name{i}" for i in range(0, MAX_ENTRIES, 7)] * 3)
    out = plain_text(apply_lexicon(text, lexicon, matcher))
    assert "name" not in out and out.startswith("N0 N7 N14")
    with pytest.raises(InvariantViolated):
        Lexicon(entries=(LexiconEntry(match="Ann", replace="a"), LexiconEntry(match="ann", replace="b")))


def renderer(engine: FakeSpeechSynthesizer, cache: InMemoryClipCache) -> RenderVoiceOver:
    return RenderVoiceOver(
        {"fake": engine},
        cache,
        NumpyClipProcessor(),
        StreamingTrackMixer(),
        InMemoryBlobStore(),
        lexicon_matcher=lexicon_matcher,
    )


CUES = [
    RenderCue(id="1", start_ms=0, end_ms=2000, text="The RJ45 port"),
    RenderCue(id="2", start_ms=3000, end_ms=5000, text="Uh"),
    RenderCue(id="3", start_ms=6000, end_ms=8000, text="Nothing to change here"),
]


async def test_a_render_speaks_the_replaced_text_and_reports_a_cue_the_lexicon_emptied() -> None:
    engine, cache = FakeSpeechSynthesizer(), InMemoryClipCache()
    lexicon = Lexicon(entries=(LexiconEntry(match="RJ45", replace="R J 45"), LexiconEntry(match="uh", replace=" ")))
    report = await renderer(engine, cache).execute(CUES, RenderOptions(voice=VOICE), "a.wav", lexicon=lexicon)
    assert sorted(call.text for call in engine.calls) == ["Nothing to change here", "The R J 45 port"]
    silenced = {fit.cue_id: fit for fit in report.cues}["2"]
    assert silenced.flags == ("silenced_by_lexicon",) and silenced.final_ms == 0
    assert [fit.cue_id for fit in report.cues] == ["1", "2", "3"]

    # editing an entry re-synthesizes only the cues whose sent text changed (the cache keys on it)
    engine.calls.clear()
    edited = Lexicon(entries=(LexiconEntry(match="RJ45", replace="R J four five"),))
    await renderer(engine, cache).execute(CUES, RenderOptions(voice=VOICE), "b.wav", lexicon=edited)
    assert sorted(call.text for call in engine.calls) == ["The R J four five port", "Uh"]


async def test_a_pronunciation_for_an_engine_without_phoneme_input_fails_the_render_naming_entry_and_engine() -> None:
    lexicon = Lexicon(entries=(LexiconEntry(match="RJ45", replace="A@dZ'eI", kind="ipa"),))
    with pytest.raises(InvalidInput) as caught:
        await renderer(FakeSpeechSynthesizer(), InMemoryClipCache()).execute(
            CUES, RenderOptions(voice=VOICE), "a.wav", lexicon=lexicon
        )
    assert caught.value.code == "lexicon_unsupported"
    assert "entries[0]" in caught.value.detail and "'fake'" in caught.value.detail
