"""The PyAV delivery on real files made with PyAV: every container, the mixes, the source's streams kept,
copied or transcoded (never the video), lengths kept to the source's, speech landing where the stem has it."""

from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np
import pytest
import soundfile

from adapters.media.pyav_deliverer import PyAvMediaDeliverer
from application.errors import InvalidInput
from application.ports.media import DubDelivery
from domain.render_report import DeliveryReport
from tests.support.media import decode_audio, make_media, tone_level_db, video_packets

VOICE_RATE = 24000
SPEECH = ((1000, 2000), (3500, 4300))


def voice_stem(seconds: float = 5.0) -> bytes:
    """A stand-in voice: 440 Hz bursts where SPEECH says, silence elsewhere."""
    voice = np.zeros(int(seconds * VOICE_RATE), dtype=np.float32)
    for start, end in SPEECH:
        a, b = start * VOICE_RATE // 1000, end * VOICE_RATE // 1000
        voice[a:b] = 0.3 * np.sin(2 * np.pi * 440 * np.arange(b - a) / VOICE_RATE)
    buffer = io.BytesIO()
    soundfile.write(buffer, voice, VOICE_RATE, format="FLAC")
    return buffer.getvalue()


def plan(fmt: str, mix: str = "voiceover", **changes: object) -> DubDelivery:
    fields: dict[str, object] = {
        "format": fmt,
        "mix": mix,
        "bed_stream": 1 if mix == "voiceover" else None,
        "duck_db": -12.0,
        "attack_ms": 150,
        "release_ms": 400,
        "speech": SPEECH,
        "language": "de",
        "title": "Dub (de)",
        "dub_default": True,
        **changes,
    }
    return DubDelivery(**fields)  # type: ignore[arg-type]


def deliver(
    delivery: DubDelivery, original: Path | None, out: Path, bed: Path | None = None, voice: bytes | None = None
) -> DeliveryReport:
    bed = bed if bed is not None else original if delivery.mix == "voiceover" else None
    seen: list[float] = []
    with (
        (original or out).open("rb") if original else io.BytesIO() as source,
        bed.open("rb") if bed else io.BytesIO() as bed_handle,
        out.open("wb") as sink,
    ):
        report = PyAvMediaDeliverer().deliver(
            delivery,
            voice=io.BytesIO(voice or voice_stem()),
            original=source if original else None,
            bed=bed_handle if bed else None,
            sink=sink,
            progress=seen.append,
        )
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)
    return report


def streams(path: Path) -> list[tuple[str, str, str | None, bool]]:
    with av.open(str(path)) as container:
        return [
            (s.type, s.codec_context.name if s.codec_context else "", s.metadata.get("language"),
             bool(s.disposition & av.stream.Disposition.default))
            for s in container.streams
        ]  # fmt: skip


def onset_s(samples: np.ndarray, rate: int, after_s: float) -> float:
    start = int(after_s * rate)
    loud = np.flatnonzero(np.abs(samples[start:]) > 0.05)
    return (start + int(loud[0])) / rate


def test_mp4_keeps_every_stream_it_can_and_transcodes_audio_it_cannot(tmp_path: Path) -> None:
    source = make_media(tmp_path / "pcm.mkv", seconds=5.0, audio_codec="pcm_s16le", subtitles=True)
    out = tmp_path / "dub.mp4"
    report = deliver(plan("mp4"), source, out)
    assert report.transcoded and "pcm_s16le" in report.transcoded[0] and "aac" in report.transcoded[0]
    assert report.dropped and "srt" in report.dropped[0]  # mp4 carries mov_text only
    assert video_packets(out) == video_packets(source)
    assert [s[:3] for s in streams(out)] == [
        ("video", "mpeg4", "und"),
        ("audio", "aac", "eng"),
        ("audio", "aac", "deu"),
    ]
    original, rate = decode_audio(source, 1)
    kept, _ = decode_audio(out, 1)
    assert abs(tone_level_db(kept, rate, 14000, 2.5, 3.2) - tone_level_db(original, rate, 14000, 2.5, 3.2)) < 0.5


def test_webm_gets_an_opus_dub_and_the_source_video_untouched(tmp_path: Path) -> None:
    source = make_media(tmp_path / "film.webm", seconds=5.0, video_codec="libvpx", audio_codec="libopus")
    out = tmp_path / "dub.webm"
    report = deliver(plan("webm", dub_default=False), source, out)
    assert report.dub_codec == "libopus" and not report.transcoded
    assert video_packets(out) == video_packets(source)
    kinds = streams(out)
    assert [(t, c) for t, c, _, _ in kinds] == [("video", "vp8"), ("audio", "opus"), ("audio", "opus")]
    assert kinds[1][3] and not kinds[2][3]  # the original stays the default track when asked
    dub, rate = decode_audio(out, 2)
    original, _ = decode_audio(source, 1)
    during = tone_level_db(dub, rate, 14000, 1.3, 1.8) - tone_level_db(original, rate, 14000, 1.3, 1.8)
    assert abs(during + 12) <= 2


def test_mkv_video_refused_by_webm_is_never_reencoded(tmp_path: Path) -> None:
    source = make_media(tmp_path / "film.mkv", seconds=2.0)
    with pytest.raises(InvalidInput) as refused:
        deliver(plan("webm"), source, tmp_path / "dub.webm")
    assert refused.value.code == "container_unsupported_video"


def test_replace_puts_the_voice_over_the_stem_and_keeps_the_source_length(tmp_path: Path) -> None:
    film = make_media(tmp_path / "silent.mkv", seconds=6.0, audio_tracks=())
    stem = make_media(tmp_path / "me.m4a", seconds=6.0, video=False, audio_tracks=(("eng", 14000.0),))
    out = tmp_path / "dub.mkv"
    report = deliver(plan("mkv", mix="replace"), film, out, bed=stem)
    assert [(t, c) for t, c, _, _ in streams(out)] == [("video", "mpeg4"), ("audio", "aac")]
    with av.open(str(out)) as container:
        assert abs(container.duration / 1e6 - 6.0) < 0.05
    assert abs(report.duration_ms - 6000) < 30
    dub, rate = decode_audio(out, 1)
    bed, _ = decode_audio(stem, 0)
    # the stem is not ducked in `replace`: the voice goes over it as it is
    assert abs(tone_level_db(dub, rate, 14000, 1.3, 1.8) - tone_level_db(bed, rate, 14000, 1.3, 1.8)) < 0.5


def test_short_media_cuts_the_speech_past_its_end_and_says_so(tmp_path: Path) -> None:
    source = make_media(tmp_path / "short.mkv", seconds=3.0)
    out = tmp_path / "dub.mkv"
    report = deliver(plan("mkv"), source, out)
    assert report.speech_cut_ms > 1000  # the second span ends at 4.3 s
    with av.open(str(out)) as container:
        assert abs(container.duration / 1e6 - 3.0) < 0.05  # as long as the source, not the voice


def test_the_last_speech_lands_where_the_stem_has_it_within_one_audio_frame(tmp_path: Path) -> None:
    source = make_media(tmp_path / "quiet.mkv", seconds=5.0, tone_dbfs=-70.0)
    for fmt in ("mkv", "mp4"):
        out = tmp_path / f"dub.{fmt}"
        deliver(plan(fmt), source, out)
        dub, rate = decode_audio(out, 2)
        stem, stem_rate = soundfile.read(io.BytesIO(voice_stem()), dtype="float32")
        expected = onset_s(stem, stem_rate, 3.0)
        assert abs(onset_s(dub, rate, 3.0) - expected) <= 1024 / rate, fmt  # one AAC frame


def test_the_mix_alone_as_audio(tmp_path: Path) -> None:
    source = make_media(tmp_path / "film.mkv", seconds=5.0)
    out = tmp_path / "mix.flac"
    report = deliver(plan("flac"), source, out)
    mix, rate = soundfile.read(out, dtype="float32")
    assert rate == 48000 and abs(len(mix) / rate - 5.0) < 0.03
    assert report.mix_lufs is not None and report.mix_peak_dbfs is not None
