"""What `subdub render` shows: a rich progress bar on a terminal, plain lines otherwise, then the summary."""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from types import TracebackType
from typing import TextIO

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from application.audio_pipeline.voice_over import RenderProgress
from domain.render_report import RenderReport, worst_fits

STAGE_TEXT = {
    "synthesizing": "synthesizing cues",
    "measuring": "measuring loudness",
    "limiting": "limiting peaks",
    "encoding": "encoding",
    "muxing": "mixing with the media and muxing",
}


class ProgressDisplay:
    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self._stream = stream
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._last_line = -1

    def __enter__(self) -> ProgressDisplay:
        if self._stream.isatty():
            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("cues {task.fields[cues]}"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                transient=True,
            )
            self._progress.__enter__()
            self._task = self._progress.add_task("starting", total=None, cues="")
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._progress is not None:
            self._progress.__exit__(kind, value, trace)

    async def update(self, update: RenderProgress) -> None:
        cues = f"{update.cues_done}/{update.cues_total}"
        if self._progress is not None and self._task is not None:
            self._progress.update(
                self._task, description=STAGE_TEXT[update.stage], completed=update.done, total=update.total, cues=cues
            )
            return
        percent = update.done * 100 // max(1, update.total)
        if percent // 10 != self._last_line // 10:
            self._last_line = percent
            print(f"{percent:3d}% {STAGE_TEXT[update.stage]} (cues {cues})", file=self._stream, flush=True)


def timestamp(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest / 1000:06.3f}"


def _short(text: str, width: int = 50) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def print_summary(
    report: RenderReport, output: str, audio_format: str, sample_rate: int, started: float, texts: Mapping[str, str]
) -> None:
    stats, totals, loudness = report.stats, report.totals, report.loudness
    elapsed = time.perf_counter() - started
    factor = stats.duration_ms / 1000 / elapsed if elapsed > 0 else 0.0
    print(
        f"rendered {output}: {stats.cues} cues, {timestamp(stats.duration_ms)}, {stats.size_bytes / 1e6:.1f} MB "
        f"{audio_format} {sample_rate} Hz in {elapsed:.1f} s ({factor:.0f}x real time)"
    )
    print(
        f"fit: {totals.fit} fit, {totals.sped_up} sped up, {totals.compressed} compressed, {totals.overlap} overlap, "
        f"{totals.truncated} truncated; {totals.overlapping} overlapping; max speed {totals.max_speed_used:.2f}x"
    )
    print(f"clips: {stats.synthesized} synthesized, {stats.refitted} re-fitted, {stats.from_cache} from cache")
    measured = "silent" if loudness.measured_lufs is None else f"measured {loudness.measured_lufs:.1f} LUFS"
    out = "" if loudness.output_lufs is None else f", out {loudness.output_lufs:.1f} LUFS"
    peak = "" if loudness.true_peak_dbtp is None else f", true peak {loudness.true_peak_dbtp:.1f} dBTP"
    limited = (
        f"; limiter {loudness.limiter_max_db:.1f} dB at most, {loudness.limited_ms / 1000:.1f} s in all"
        if loudness.peak_limited
        else ""
    )
    print(
        f"loudness: target {loudness.target_lufs:.1f} LUFS, {measured}, gain {loudness.gain_db:+.1f} dB"
        f"{out}{peak}{limited}"
    )
    delivery = report.delivery
    if delivery is not None:
        mix = "silent" if delivery.mix_lufs is None else f"{delivery.mix_lufs:.1f} LUFS"
        print(
            f"delivered: dub track {delivery.dub_codec}, mix {mix}, "
            f"{timestamp(delivery.duration_ms)} (the media's length)"
        )
        for note in (*(f"transcoded {t}" for t in delivery.transcoded), *(f"dropped {d}" for d in delivery.dropped)):
            print(f"  {note}")
        if delivery.speech_cut_ms:
            print(f"  the media ends {delivery.speech_cut_ms} ms before the last speech: that speech is cut")
    flagged = [fit for fit in report.cues if fit.flags]
    if flagged:
        print(f"flagged: {len(flagged)} cue(s), e.g. cue {flagged[0].cue_id}: {', '.join(flagged[0].flags)}")
    worst = worst_fits(report.cues, 5)
    if worst:
        print("worst-fitting cues:")
        for fit in worst:
            print(
                f"  cue {fit.cue_id:>5} {timestamp(fit.start_ms)}  {fit.action:<10} speed {fit.speed:.2f}x  "
                f"overflow {fit.overflow_ms} ms  {_short(texts.get(fit.cue_id, ''))!r}"
            )
