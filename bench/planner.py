"""The timing planner against the per-cue planner it replaces, written to bench/RESULTS.md under
"## Timing planner".

One generated 1 000-cue film track (four speakers, a known gap distribution), real espeak-ng clips.
The same run renders it with the current planner's settings and with the whole-track planner, and
also re-plans the measured natural lengths with the literal per-cue functions (cue_windows with
500 ms of borrow + synthesis_rate), so the planning is compared on identical input.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import time
from pathlib import Path

from _planner_support import figures, film_track
from _render_support import work_root

from adapters.audio.clips import NumpyClipProcessor
from adapters.audio.mixer import StreamingTrackMixer
from adapters.cache.packed_clip_cache import PackedClipCache
from adapters.storage.fs_blob_store import FsBlobStore
from adapters.tts.espeak import EspeakSpeechSynthesizer
from application.use_cases.render_voice_over import RenderVoiceOver
from domain.planner import PlanCue, plan_timing
from domain.render_options import RenderOptions
from domain.render_report import RenderReport
from domain.timing import RenderCue, cue_windows, synthesis_rate

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
CURRENT = RenderOptions(borrow_ms=500, max_rate_step=1.0)  # 1.0: no smoothing (the cap is 1.6)
WHOLE_TRACK = RenderOptions()
WITH_LEAD = RenderOptions(lead_ms=150)


def _row(name: str, found: dict[str, float]) -> tuple[str, str]:
    return name, (
        f"{found['share'] * 100:.1f} % sped up; mean {found['mean']:.3f}× (sped-up cues {found['mean_sped']:.3f}×), "
        f"p95 {found['p95']:.2f}×, max {found['max']:.2f}×; largest jump between a speaker's neighbouring lines "
        f"{found['jump']:.2f} (any consecutive lines {found['jump_any']:.2f}); slowest {found['slowest']:.3f}×"
    )


def _realised(report: RenderReport) -> dict[str, float]:
    return {fit.cue_id: fit.speed for fit in report.cues}


def _current_plan(cues: list[RenderCue], natural: dict[str, float]) -> dict[str, float]:
    return {w.cue.id: synthesis_rate(natural[w.cue.id], w.window_ms, CURRENT) for w in cue_windows(cues, 500)}


def _whole_track_plan(cues: list[RenderCue], natural: dict[str, float], options: RenderOptions) -> dict[str, float]:
    plan_cues = [
        PlanCue(id=c.id, start_ms=c.start_ms, end_ms=c.end_ms, natural_ms=natural[c.id], group=c.speaker or "")
        for c in cues
    ]
    return {plan.id: plan.rate for plan in plan_timing(plan_cues, options.plan_rules)}


async def _render(use_case: RenderVoiceOver, cues: list[RenderCue], options: RenderOptions) -> RenderReport:
    return await use_case.execute(cues, options, "track.wav")


async def run() -> list[tuple[str, str]]:
    cues = film_track()
    work = work_root() / "planner"
    shutil.rmtree(work, ignore_errors=True)
    engine = EspeakSpeechSynthesizer()
    store = FsBlobStore(work / "out")
    cache = PackedClipCache(FsBlobStore(work / "cache", durable=False))
    use_case = RenderVoiceOver({"espeak": engine}, cache, NumpyClipProcessor(), StreamingTrackMixer(), store)
    rows: list[tuple[str, str]] = []
    load = os.getloadavg()[0]
    try:
        current = await _render(use_case, cues, CURRENT)
        whole = await _render(use_case, cues, WHOLE_TRACK)
        lead = await _render(use_case, cues, WITH_LEAD)
    finally:
        engine.close()
    natural = {fit.cue_id: float(fit.natural_ms) for fit in current.cues}
    t0 = time.perf_counter()
    for _ in range(20):
        planned = _whole_track_plan(cues, natural, WHOLE_TRACK)
    plan_ms = (time.perf_counter() - t0) / 20 * 1000
    rows.append(_row("planned, current per-cue planner (borrow 500 ms)", figures(cues, _current_plan(cues, natural))))
    rows.append(_row("planned, whole-track planner (borrow gap, step 0.15)", figures(cues, planned)))
    rows.append(_row("rendered, current settings (borrow 500 ms, no smoothing)", figures(cues, _realised(current))))
    rows.append(_row("rendered, whole-track planner (defaults)", figures(cues, _realised(whole))))
    rows.append(_row("rendered, whole-track planner with lead_ms 150", figures(cues, _realised(lead))))
    overflow = [sum(1 for f in r.cues if f.action in ("overlap", "truncated")) for r in (current, whole, lead)]
    rows.append(("cues still overflowing (current / whole-track / with lead)", " / ".join(map(str, overflow))))
    why: dict[str, int] = {}
    for fit in whole.cues:
        why[fit.why] = why.get(fit.why, 0) + 1
    rows.append(("why, whole-track planner", ", ".join(f"{k} {v}" for k, v in sorted(why.items()))))
    rows.append(("planning time, 1 000 cues (pure domain, mean of 20)", f"{plan_ms:.1f} ms"))
    rows.append(("machine load (1-min load average) before / after", f"{load:.1f} / {os.getloadavg()[0]:.1f}"))
    shutil.rmtree(work, ignore_errors=True)
    return rows


NOTES = """
Track: `bench/_planner_support.py` `film_track` (seed 17): 1 000 cues of four speakers who answer
each other, cues 0.7–6 s, 14–24 characters per second of cue; gaps 35 % 40–250 ms, 35 % 250–1 000 ms,
22 % 1–4 s, 8 % 4–15 s. Speeds are against the voice's own (1.0 = natural); "planned" rows re-plan the
natural clip lengths measured in the first render, "rendered" rows are the speeds in the render reports
(after the engine's rate control and the residual stretch). "Neighbouring lines" are consecutive lines
of one speaker less than 2 s apart (where the whole-track planner keeps the speed within 0.15);
"any consecutive lines" also counts lines after a longer pause, which the planner leaves alone.
The current settings are `borrow_ms=500, max_rate_step=1.0`, which plan exactly as the per-cue
planner did (a property test checks this). Machine shared with other jobs (2 cores, 8 helpers).
"""


def write_section(rows: list[tuple[str, str]]) -> None:
    heading = "## Timing planner"
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [f"Measured {stamp} by `bench/planner.py` (espeak-ng en-us, 24 kHz).", ""]
    lines += ["| figure | result |", "|---|---|"]
    lines += [f"| {a} | {b} |" for a, b in rows]
    lines += NOTES.rstrip().splitlines()
    existing = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"{re.escape(heading)}\n.*?(?=\n## |\Z)", re.S)
    section = f"{heading}\n" + "\n".join(lines) + "\n"
    updated = pattern.sub(section, existing) if pattern.search(existing) else existing.rstrip() + "\n\n" + section
    RESULTS.write_text(updated)


def main() -> None:
    rows = asyncio.run(run())
    for row in rows:
        print(" | ".join(row))
    write_section(rows)


if __name__ == "__main__":
    main()
