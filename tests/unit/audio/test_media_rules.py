"""Rules of delivering a dub over media: options, speech spans, the audio stream chosen, the ducking gain."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import numpy as np
import pytest

from adapters.audio.ducking import DuckingEnvelope
from adapters.media.languages import to_bcp47, to_iso639_2
from domain.delivery import MediaUnfit, VideoNotCopyable, bed_stream_for
from domain.errors import InvariantViolated
from domain.media import Media, MediaStream, choose_audio_stream, speech_spans
from domain.render_options import RenderOptions
from domain.renders import progress_total

MEDIA = UUID(int=1)


def media(*streams: MediaStream) -> Media:
    return Media(
        id=MEDIA, project_id=MEDIA, role="original", kind="video", container="matroska", duration_ms=1000,
        streams=streams, size_bytes=1, filename=None, uploaded_by=MEDIA, created_at=datetime.now(UTC),
    )  # fmt: skip


VIDEO = MediaStream(index=0, type="video", codec="h264")
EN = MediaStream(index=1, type="audio", codec="aac", language="en")
DE = MediaStream(index=2, type="audio", codec="aac", language="de", default=True)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"format": "mkv"}, "media_id"),
        ({"mix": "voiceover"}, "media_id"),
        ({"mix": "replace", "media_id": MEDIA}, "music_effects_id"),
        ({"media_id": MEDIA, "mix": "voiceover", "duck_db": 3.0}, "duck_db"),
        ({"media_id": MEDIA, "mix": "voiceover", "language": "not a tag"}, "language"),
        ({"format": "avi"}, "format"),
    ],
)
def test_render_options_refuse_what_media_cannot_do(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvariantViolated) as refused:
        RenderOptions(**changes)  # type: ignore[arg-type]
    assert refused.value.field == field


def test_a_render_over_media_counts_a_delivery_stage() -> None:
    assert progress_total(10, RenderOptions()) == 20
    assert progress_total(10, RenderOptions(format="mp4", media_id=MEDIA)) == 30
    assert RenderOptions(format="mkv", media_id=MEDIA).stem_format == "flac"
    assert RenderOptions(format="ogg").stem_format == "ogg"


def test_speech_spans_merge_where_the_duck_would_not_recover() -> None:
    placed = [(1000, 500), (1900, 300), (5000, 1000), (8000, 0)]
    assert speech_spans(placed, attack_ms=150, release_ms=400) == [(1000, 2200), (5000, 6000)]


def test_the_audio_stream_is_chosen_by_language_then_default_then_first() -> None:
    both = media(VIDEO, EN, DE)
    assert choose_audio_stream(both, None).index == 2  # the default one
    assert choose_audio_stream(both, "en").index == 1
    assert choose_audio_stream(both, "en-US").index == 1
    assert choose_audio_stream(media(VIDEO, EN), None).index == 1
    with pytest.raises(InvariantViolated) as none_in_french:
        choose_audio_stream(both, "fr")
    assert none_in_french.value.field == "source_language" and "de, en" in none_in_french.value.message


def test_media_is_checked_against_format_and_mix() -> None:
    voiceover = RenderOptions(format="mkv", mix="voiceover", media_id=MEDIA)
    assert bed_stream_for(voiceover, media(VIDEO, EN), None) == 1
    with pytest.raises(MediaUnfit):
        bed_stream_for(voiceover, media(VIDEO), None)  # no audio to duck
    with pytest.raises(MediaUnfit):
        bed_stream_for(voiceover, media(EN), None)  # no video to deliver in
    with pytest.raises(VideoNotCopyable):
        bed_stream_for(RenderOptions(format="webm", media_id=MEDIA), media(VIDEO, EN), None)
    replace = RenderOptions(format="mkv", mix="replace", media_id=MEDIA, music_effects_id=MEDIA)
    assert bed_stream_for(replace, media(VIDEO), media(EN)) is None  # a silent video over an M&E stem


def test_ducking_ramps_in_db_over_attack_and_release() -> None:
    rate = 1000
    envelope = DuckingEnvelope([(1000, 2000)], rate, duck_db=-12.0, attack_ms=150, release_ms=400)
    gain = np.concatenate([envelope.gain(first, 250) for first in range(0, 3000, 250)])  # in odd blocks
    db = 20 * np.log10(gain)
    assert np.allclose(db[:850], 0.0) and np.allclose(db[2400:], 0.0)  # untouched outside the ramps
    assert np.allclose(db[1000:2000], -12.0)  # fully ducked under speech
    assert db[925] == pytest.approx(-6.0, abs=0.1)  # half way through the attack
    assert db[2200] == pytest.approx(-6.0, abs=0.1)  # half way through the release
    assert np.all(np.diff(db[850:1000]) <= 0) and np.all(np.diff(db[2000:2400]) >= 0)


def test_language_tags_between_users_and_containers() -> None:
    assert to_iso639_2("de") == "deu" and to_iso639_2("pt-BR") == "por" and to_iso639_2("xx") == "und"
    assert to_bcp47("ger") == "de" and to_bcp47("eng") == "en"
