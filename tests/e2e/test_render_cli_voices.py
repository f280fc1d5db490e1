"""`subdub render` picks the neural voice for English, takes a cast from a file, refuses what it cannot
speak; `subdub voices` shows each voice's tier."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.test_render_cli import subdub

pytestmark = pytest.mark.slow

SRT = """1
00:00:00,500 --> 00:00:02,500
Where have you been all day?

2
00:00:03,000 --> 00:00:05,000
At the library, reading about birds.

3
00:00:05,500 --> 00:00:07,500
A voice from the radio.
"""


BEN = {"engine": "espeak", "name": "en-us"}


def _srt(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_text(SRT, encoding="utf-8")
    return path


def test_an_english_file_gets_the_neural_voice_and_a_cast_default_overrides_it(tmp_path: Path) -> None:
    source = _srt(tmp_path, "talk.en.srt")  # the language from the name
    report_path = tmp_path / "report.json"
    result = subdub("render", source, "-o", tmp_path / "out.wav", "--report", report_path, data_dir=tmp_path / "d")
    assert result.returncode == 0, result.stderr
    report = json.loads(report_path.read_text())
    assert {cue["voice"] for cue in report["cues"]} == {"hibari:heart"}
    loudness = report["loudness"]
    assert abs(loudness["output_lufs"] - -16) <= 0.5 and loudness["true_peak_dbtp"] <= -1.0
    assert "true peak" in result.stdout

    cast = tmp_path / "cast.json"
    cast.write_text(
        json.dumps({"speakers": {"Nobody": BEN}, "defaults": {"en-GB": {"engine": "espeak", "name": "en-us"}}})
    )
    result = subdub(
        "render", source, "-o", tmp_path / "out.wav", "--cast", cast, "--report", report_path, data_dir=tmp_path / "d"
    )
    assert result.returncode == 0, result.stderr
    assert {cue["voice"] for cue in json.loads(report_path.read_text())["cues"]} == {"espeak:en-us"}


def test_the_neural_voice_asked_for_french_is_refused_listing_what_it_speaks(tmp_path: Path) -> None:
    source = _srt(tmp_path, "talk.srt")
    result = subdub(
        "render", source, "-o", tmp_path / "out.wav", "--language", "fr", "--voice", "hibari:heart",
        data_dir=tmp_path / "d",
    )  # fmt: skip
    assert result.returncode == 2
    assert "hibari:heart cannot speak fr" in result.stderr and "en-US" in result.stderr
    assert not (tmp_path / "out.wav").exists()


def test_a_cast_naming_an_unknown_voice_is_refused_naming_the_speaker(tmp_path: Path) -> None:
    source = _srt(tmp_path, "talk.en.srt")
    cast = tmp_path / "cast.json"
    cast.write_text(json.dumps({"speakers": {"ANN": {"engine": "espeak", "name": "en-uss"}}}))
    result = subdub("render", source, "-o", tmp_path / "out.wav", "--cast", cast, data_dir=tmp_path / "d")
    assert result.returncode == 2
    assert "unknown voice espeak:en-uss" in result.stderr and "cast.speakers.ANN" in result.stderr


def test_voices_shows_the_tier_of_each_voice(tmp_path: Path) -> None:
    result = subdub("voices", "--language", "en", data_dir=tmp_path / "d")
    assert result.returncode == 0
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert "neural" in lines["hibari:heart"] and "female" in lines["hibari:heart"]
    assert "formant" in lines["espeak:en-us"]


def test_fit_check_chooses_voices_through_a_cast_file_as_render_does(tmp_path: Path) -> None:
    source = _srt(tmp_path, "talk.en.srt")
    cast = tmp_path / "cast.json"
    cast.write_text(json.dumps({"defaults": {"en": {"engine": "espeak", "name": "en-gb"}}}))
    plain = subdub("fit-check", source, "--voice", "espeak:fr-fr", "--json", data_dir=tmp_path / "d")
    assert plain.returncode == 0, plain.stderr
    assert {cue["voice"] for cue in json.loads(plain.stdout)["cues"]} == {"espeak:fr-fr"}
    cast_on = subdub("fit-check", source, "--voice", "espeak:fr-fr", "--cast", cast, "--json", data_dir=tmp_path / "d")
    assert cast_on.returncode == 0, cast_on.stderr
    assert {cue["voice"] for cue in json.loads(cast_on.stdout)["cues"]} == {"espeak:en-gb"}  # the language's
    other = subdub(
        "fit-check", source, "--language", "de", "--voice", "espeak:fr-fr", "--cast", cast, "--json",
        data_dir=tmp_path / "d",
    )  # fmt: skip
    assert {cue["voice"] for cue in json.loads(other.stdout)["cues"]} == {"espeak:fr-fr"}  # no default for de
