"""Parse times of 5 MiB SRT, WebVTT and ASS files: subdub's readers against the `srt` library and pysubs2,
on the same files in the same run; then hostile files (unclosed `<a`, `{`) for subdub and pysubs2.

Run: .venv/bin/python bench/subtitles.py parse   (no database needed; prints a Markdown section)
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pysubs2  # noqa: E402
import srt  # noqa: E402

from adapters.subtitles.isolation import IsolatedReader  # noqa: E402
from adapters.subtitles.reader import read_subtitles  # noqa: E402
from application.ports.subtitles import UnreadableSubtitles  # noqa: E402

FIVE_MIB = 5 * 1024 * 1024
ASS_BREAK = "\\N"
HEADER = "| 5 MiB file | cues | subdub, in process | subdub, child process | `srt` 3.5 | pysubs2 1.8 |"
LINES = ["Où est la gare ? Je ne sais pas.", "<i>Tu viens</i> avec moi, {\\an8}Marie ?", "JEAN: D'accord, j'arrive."]


def _clock(ms: int, sep: str) -> str:
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"


def _ass_clock(ms: int) -> str:
    return f"{ms // 3_600_000}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms // 10 % 100:02d}"


def realistic(fmt: str) -> bytes:
    """About 5 MiB of ordinary cues in the format."""
    parts: list[str] = []
    if fmt == "vtt":
        parts.append("WEBVTT\n\n")
    if fmt == "ass":
        parts.append(
            "[Script Info]\nScriptType: v4.00+\n\n[Events]\n"
            "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
        )
    size, n = 0, 0
    while size < FIVE_MIB - 200:
        start, end = n * 2000, n * 2000 + 1500
        text = LINES[n % 3] + "\n" + LINES[(n + 1) % 3]
        if fmt == "srt":
            block = f"{n + 1}\n{_clock(start, ',')} --> {_clock(end, ',')}\n{text}\n\n"
        elif fmt == "vtt":
            block = f"{_clock(start, '.')} --> {_clock(end, '.')}\n{text}\n\n"
        else:
            line = text.replace("\n", ASS_BREAK)
            block = f"Dialogue: 0,{_ass_clock(start)},{_ass_clock(end)},Default,,0,0,0,,{line}\n"
        parts.append(block)
        size += len(block.encode())
        n += 1
    return "".join(parts).encode()


def hostile(fmt: str, pattern: bytes, size: int) -> bytes:
    head = {
        "srt": b"1\n00:00:01,000 --> 00:00:02,000\n",
        "vtt": b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n",
        "ass": b"[Script Info]\nScriptType: v4.00+\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, "
        b"MarginR, MarginV, Effect, Text\nDialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,",
    }[fmt]
    return head + pattern * ((size - len(head)) // len(pattern))


def best_of(runs: int, work: Callable[[], Any]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def _ours(data: bytes) -> None:
    with contextlib.suppress(UnreadableSubtitles):
        read_subtitles(data)


def _pysubs2(data: bytes, fmt: str | None = None) -> None:
    subs = pysubs2.SSAFile.from_string(data.decode("utf-8"), format_=fmt)
    for event in subs.events:
        _ = event.plaintext


def _srt(data: bytes) -> None:
    list(srt.parse(data.decode("utf-8"), ignore_errors=True))


def _pysubs2_child(data: bytes, fmt: str) -> None:
    _pysubs2(data, fmt)


def pysubs2_with_limit(data: bytes, fmt: str, limit_s: float) -> str:
    """pysubs2 in a child process (its regular expressions hold the GIL), killed past the limit."""
    process = multiprocessing.get_context("spawn").Process(target=_pysubs2_child, args=(data, fmt))
    started = time.perf_counter()
    process.start()
    process.join(limit_s)
    if process.is_alive():
        process.kill()
        process.join()
        return f"> {limit_s:.0f} s (killed)"
    return f"{time.perf_counter() - started:.2f} s (includes ~0.3 s process start)"


def main() -> None:
    rows = [
        "| 5 MiB file | cues | subdub, in process | subdub, child process | `srt` 3.5 | pysubs2 1.8 |",
        "|---|---|---|---|---|---|",
    ]
    isolated = IsolatedReader(time_limit_s=60, workers=1)
    isolated.read(realistic("srt")[:2000])  # the child is up before timing
    for fmt in ("srt", "vtt", "ass"):
        data = realistic(fmt)
        cues = len(read_subtitles(data).cues)
        ours = best_of(3, lambda data=data: _ours(data))
        child = best_of(3, lambda data=data: isolated.read(data))
        theirs = best_of(3, lambda data=data, fmt=fmt: _pysubs2(data, fmt))
        peer = f"{best_of(3, lambda data=data: _srt(data)):.2f} s" if fmt == "srt" else "—"
        rows.append(f"| {fmt.upper()} | {cues} | {ours:.2f} s | {child:.2f} s | {peer} | {theirs:.2f} s |")
    rows += ["", "| hostile file | subdub, 5 MiB | pysubs2, 50 000 characters |", "|---|---|---|"]
    for fmt, pattern in (("srt", b"<a"), ("vtt", b"<a"), ("ass", b"{"), ("ass", b"{\\p1}")):
        data = hostile(fmt, pattern, FIVE_MIB)
        ours = best_of(1, lambda data=data: _ours(data))
        theirs = pysubs2_with_limit(hostile(fmt, pattern, 50_000), fmt, 60)
        rows.append(f"| {fmt.upper()} of `{pattern.decode()}` | {ours:.2f} s | {theirs} |")
    isolated.close()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"### Subtitle parsing, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {os.cpu_count()} cores, load {load}")
    print("(best of 3 for ordinary files; the machine was shared with other jobs)")
    print()
    print("\n".join(rows))


if __name__ == "__main__":
    main()
