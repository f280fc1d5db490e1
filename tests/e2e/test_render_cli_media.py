"""`subdub render subs.srt --media film.mkv --mix voiceover -o film.dub.mkv` as a user runs it: real
espeak-ng, a real video made with PyAV, the dub delivered inside it and the voice stem beside it."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from tests.e2e.test_render_cli import subdub
from tests.support.media import make_media, video_packets

pytestmark = pytest.mark.slow
SRT = "1\n00:00:01,000 --> 00:00:02,500\nHello there.\n\n2\n00:00:03,500 --> 00:00:05,000\nA second line.\n"


def test_the_cli_delivers_the_dub_inside_the_film(tmp_path: Path) -> None:
    film = make_media(tmp_path / "film.mkv", seconds=6.0, audio_tracks=(("eng", 14000.0),))
    subs = tmp_path / "subs.srt"
    subs.write_text(SRT)
    out = tmp_path / "film.dub.mkv"
    result = subdub(
        "render", subs, "--media", film, "--mix", "voiceover", "--language", "fr", "-o", out, data_dir=tmp_path / "d"
    )
    assert result.returncode == 0, result.stderr
    assert "delivered: dub track aac" in result.stdout
    assert (tmp_path / "film.dub.voice.flac").is_file()
    assert video_packets(out) == video_packets(film)
    with av.open(str(out)) as container:
        audio = [
            (s.metadata.get("language"), bool(s.disposition & av.stream.Disposition.default))
            for s in container.streams.audio
        ]
        assert audio == [("eng", False), ("fra", True)]
        assert abs(container.duration / 1e6 - 6.0) < 0.05


def test_the_cli_refuses_media_that_is_not_media_before_any_output(tmp_path: Path) -> None:
    subs = tmp_path / "subs.srt"
    subs.write_text(SRT)
    fake = tmp_path / "film.mkv"
    fake.write_bytes(b"not a film at all" * 100)
    result = subdub("render", subs, "--media", fake, "-o", tmp_path / "out.mkv", data_dir=tmp_path / "d")
    assert result.returncode == 2
    assert "not audio or video" in result.stderr
    assert not (tmp_path / "out.mkv").exists() and not (tmp_path / "out.voice.flac").exists()
