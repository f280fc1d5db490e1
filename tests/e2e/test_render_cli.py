"""`subdub render` and `subdub voices` as a user runs them: real espeak-ng, real files, exit codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from entrypoints.cli.main import main

pytestmark = pytest.mark.slow

ONSET_THRESHOLD = 10 ** (-45 / 20)


def subdub(*args: str | Path, data_dir: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SUBDUB_DATA_DIR": str(data_dir), "SUBDUB_ENV": "test"}
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# covers: S-CODE-5
@pytest.mark.parametrize(
    ("corpus_file", "extension"),
    [("seconv-test.ass", "mp3"), ("captions_with_bom.vtt", "mp3"), ("no-indexes.srt", "wav")],
)
def test_speech_starts_within_10_ms_of_each_cue(
    shared_dir: Path, tmp_path: Path, corpus_file: str, extension: str
) -> None:
    output, report_path = tmp_path / f"out.{extension}", tmp_path / "report.json"
    source = shared_dir / "corpus" / "subtitles" / corpus_file
    result = subdub("render", source, "-o", output, "--report", report_path, data_dir=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert "fit:" in result.stdout
    assert "loudness:" in result.stdout

    audio, rate = soundfile.read(output, dtype="float32")
    report = json.loads(report_path.read_text())
    cues = sorted(report["cues"], key=lambda c: c["start_ms"])
    assert len(audio) == pytest.approx(report["stats"]["duration_ms"] * rate / 1000, abs=rate * 0.06)
    checked = 0
    previous_end = -1_000
    for cue in cues:
        start = cue["start_ms"] * rate // 1000
        if cue["start_ms"] - previous_end >= 50:  # silence before it: its onset is measurable
            window = np.abs(audio[max(0, start - rate // 20) : start + rate // 5])
            onset = max(0, start - rate // 20) + int(np.flatnonzero(window > ONSET_THRESHOLD)[0])
            assert abs(onset - start) * 1000 / rate <= 10, (cue, onset - start)
            checked += 1
        previous_end = max(previous_end, cue["start_ms"] + cue["final_ms"])
    assert checked >= 3
    assert np.max(np.abs(audio)) > 0.1  # audible speech


def test_empty_track_is_an_error_with_exit_2_and_no_output(shared_dir: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.wav"
    result = subdub("render", shared_dir / "corpus" / "subtitles" / "empty.vtt", "-o", output, data_dir=tmp_path / "d")
    assert result.returncode == 2
    assert "empty" in result.stderr
    assert not output.exists()


def test_a_track_of_markup_only_is_an_error_with_exit_2(tmp_path: Path) -> None:
    source = tmp_path / "markup.srt"
    source.write_text(
        "1\n00:00:01,000 --> 00:00:02,000\n<i></i>\n\n2\n00:00:03,000 --> 00:00:04,000\n{\\an8}<b> </b>\n"
    )
    output = tmp_path / "out.wav"
    result = subdub("render", source, "-o", output, data_dir=tmp_path / "d")
    assert result.returncode == 2
    assert "line 2: empty text; the file holds no usable cue" in result.stderr  # the reader names the line
    assert leftovers(tmp_path) == ["d", "markup.srt"]  # the data folder, the input; no output


def test_unknown_voice_lists_close_matches(shared_dir: Path, tmp_path: Path) -> None:
    source = shared_dir / "corpus" / "subtitles" / "seconv-test.ass"
    result = subdub("render", source, "-o", tmp_path / "out.wav", "--voice", "espeak:en-uss", data_dir=tmp_path / "d")
    assert result.returncode == 2
    assert "unknown voice espeak:en-uss" in result.stderr
    assert "espeak:en-us" in result.stderr.split("did you mean")[1]
    assert not (tmp_path / "out.wav").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "{tmp}/out.aac"], "unsupported output format 'aac'"),
        (["-o", "{tmp}/out"], "unsupported output format"),
        (["-o", "{tmp}/out.wav", "--format", "wma"], "unsupported output format 'wma'"),
        (["-o", "{tmp}/missing/out.wav"], "does not exist"),
        (["-o", "{tmp}"], "is a directory"),
        (["-o", "{tmp}/out.wav", "--max-speed", "3"], "max_speed"),
        (["-o", "{tmp}/out.wav", "--overflow", "squash"], "overflow"),
        (["-o", "{tmp}/out.wav", "--sample-rate", "12345"], "sample_rate"),
        (["-o", "{tmp}/out.wav", "--voice", "nocolon"], "engine:name"),
        (["-o", "{tmp}/out.wav", "--report", "{tmp}/nowhere/r.json"], "does not exist"),
    ],
)
def test_bad_arguments_fail_before_any_work(
    shared_dir: Path, tmp_path: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = shared_dir / "corpus" / "subtitles" / "seconv-test.ass"
    # in-process: these are refused before start-up (no settings read, no engine started, nothing written)
    code = main(["render", str(source), *(a.format(tmp=tmp_path) for a in args)])
    assert code == 2
    assert message in capsys.readouterr().err
    assert leftovers(tmp_path) == []


def test_unreadable_input_is_exit_2(tmp_path: Path) -> None:
    source = tmp_path / "notes.srt"
    source.write_text("this is not\na subtitle file\n")
    result = subdub("render", source, "-o", tmp_path / "out.wav", data_dir=tmp_path / "d")
    assert result.returncode == 2
    assert "line 1" in result.stderr


def test_ctrl_c_leaves_no_partial_output(shared_dir: Path, tmp_path: Path) -> None:
    source = shared_dir / "corpus" / "subtitles" / "windows-1252.srt"  # 1 332 cues: long enough to interrupt
    output = tmp_path / "out" / "film.flac"
    output.parent.mkdir()
    env = {**os.environ, "SUBDUB_DATA_DIR": str(tmp_path / "data"), "SUBDUB_ENV": "test"}
    process = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli.main", "render", str(source), "-o", str(output)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until the render is under way
        line = process.stderr.readline()
        if "%" in line:
            break
    process.send_signal(signal.SIGINT)
    process.wait(timeout=60)
    assert process.returncode == 130
    assert leftovers(output.parent) == []


def test_voices_lists_the_offline_voices(tmp_path: Path) -> None:
    result = subdub("voices", "--language", "en", data_dir=tmp_path / "d")
    assert result.returncode == 0
    assert "espeak:en-us" in result.stdout
    assert "espeak:fr-fr" not in result.stdout
