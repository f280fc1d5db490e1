"""Voices benchmarks, written to bench/RESULTS.md under "## Voices, loudness and start-up".

- the hibari synthesis stage (the engine's process pool, through the adapter) against hibari in a
  plain loop on all cores, same texts, same run;
- a cold render with hibari to WAV (generated dialogue track, fixed seed) in × real time.

Each with the CPU seconds of the process and its engine workers, and × real time per CPU second times
the cores: what the host would do with its cores to itself (it is shared with other jobs). The mix
stage and start-up figures are `bench/mix_stage.py`'s.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from _render_support import generate_track, tree_cpu_seconds, work_root

from adapters.audio.clips import NumpyClipProcessor
from adapters.audio.mixer import StreamingTrackMixer
from adapters.cache.packed_clip_cache import PackedClipCache
from adapters.storage.fs_blob_store import FsBlobStore
from adapters.tts.hibari import HibariSpeechSynthesizer
from application.audio_pipeline.voice_over import RenderVoiceOver
from application.ports.speech import SynthesisRequest
from domain.render_options import RenderOptions
from domain.voices import VoiceRef

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
CORES = os.cpu_count() or 1
HEART = VoiceRef(engine="hibari", name="heart")
STAGE_CUES = int(os.environ.get("BENCH_HIBARI_CUES", "120"))
RENDER_CUES, RENDER_SECONDS = int(os.environ.get("BENCH_HIBARI_RENDER_CUES", "300")), 1800
MIX_CUES, MIX_SECONDS = 1000, 6120  # 102 minutes


def _raw(texts: list[str]) -> float:
    from hibari import Hibari

    engine = Hibari(threads=1)
    return sum(len(engine(text, seed=0)) for text in texts) / engine.sample_rate


def raw_hibari(texts: list[str]) -> tuple[float, float, float]:
    """(seconds, CPU seconds, seconds of audio) of hibari in a plain loop, one single-threaded process per core."""
    with ProcessPoolExecutor(CORES, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(_raw, [["warm up"]] * CORES))
        cpu0, t0 = tree_cpu_seconds(), time.perf_counter()
        audio = sum(pool.map(_raw, [texts[i::CORES] for i in range(CORES)]))
        return time.perf_counter() - t0, tree_cpu_seconds() - cpu0, audio


async def stage_hibari(texts: list[str]) -> tuple[float, float, float]:
    engine = HibariSpeechSynthesizer()
    try:
        await engine.synthesize([SynthesisRequest(text="warm up", voice=HEART)] * CORES)
        cpu0, t0 = tree_cpu_seconds(), time.perf_counter()
        clips = await engine.synthesize([SynthesisRequest(text=t, voice=HEART, sample_rate=24000) for t in texts])
        wall, cpu = time.perf_counter() - t0, tree_cpu_seconds() - cpu0
        return wall, cpu, sum(c.duration_ms for c in clips) / 1000
    finally:
        engine.close()


def use_case(work: Path, engines: dict[str, object]) -> RenderVoiceOver:
    cache = PackedClipCache(FsBlobStore(work / "blobs", durable=False))
    return RenderVoiceOver(engines, cache, NumpyClipProcessor(), StreamingTrackMixer(), FsBlobStore(work / "out"))  # type: ignore[arg-type]


async def cold_hibari_render(work: Path) -> tuple[float, float, float, object]:
    """(seconds, CPU seconds, seconds of track, loudness report); the engine's pool starts inside."""
    engine = HibariSpeechSynthesizer()
    try:
        track = generate_track(RENDER_CUES, RENDER_SECONDS, seed=11)
        render = use_case(work / "hibari", {"hibari": engine})
        cpu0, t0 = tree_cpu_seconds(), time.perf_counter()
        report = await render.execute(track, RenderOptions(voice=HEART), "hibari.wav")
        wall, cpu = time.perf_counter() - t0, tree_cpu_seconds() - cpu0
        return wall, cpu, report.stats.duration_ms / 1000, report.loudness
    finally:
        engine.close()


def main() -> None:
    work = work_root() / "voices"
    load = os.getloadavg()
    texts = [cue.text for cue in generate_track(STAGE_CUES, STAGE_CUES * 5.4, seed=3)]
    raw_s, raw_cpu, raw_audio = raw_hibari(texts)
    stage_s, stage_cpu, stage_audio = asyncio.run(stage_hibari(texts))
    cold_s, cold_cpu, cold_audio, cold_loudness = asyncio.run(cold_hibari_render(work))
    end_load = os.getloadavg()[0]

    def per_cores(audio: float, cpu: float) -> str:
        return f"{audio / cpu * CORES:.0f}× per {CORES} whole cores"

    lines = [
        "## Voices, loudness and start-up",
        "",
        f"`python bench/voices.py` on {CORES} cores, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the start, {end_load:.1f} at the end "
        "(shared with other jobs).",
        "Wall-clock × real time is what this loaded host gave; × real time per CPU second times the cores is what",
        "its two cores do when the render has them (the engine's processes are single-threaded and CPU-bound).",
        "",
        "| what | figure | same-run baseline |",
        "|---|---|---|",
        f"| hibari synthesis stage, {STAGE_CUES} cues ({stage_audio:.0f} s of speech) | {stage_s:.1f} s = "
        f"{stage_audio / stage_s:.0f}× real time; {stage_cpu:.1f} s CPU = {per_cores(stage_audio, stage_cpu)} | "
        f"raw hibari loop on {CORES} processes: {raw_s:.1f} s = {raw_audio / raw_s:.0f}×; {raw_cpu:.1f} s CPU = "
        f"{per_cores(raw_audio, raw_cpu)} "
        f"({stage_audio / stage_cpu / (raw_audio / raw_cpu) * 100:.0f} % kept per CPU s) |",
        f"| cold hibari render to WAV, {RENDER_CUES} cues, {cold_audio / 60:.0f} min of track | {cold_s:.1f} s = "
        f"{cold_audio / cold_s:.0f}× real time; {cold_cpu:.1f} s CPU = {per_cores(cold_audio, cold_cpu)}; out "
        f"{cold_loudness.output_lufs} LUFS, {cold_loudness.true_peak_dbtp} dBTP | target ≥ 60× |",  # type: ignore[attr-defined]
        "",
        'Mix stage (fully cached re-render, limiter) and `subdub render --help`: see "Mix stage and start-up".',
    ]
    section = "\n".join(lines) + "\n"
    text = RESULTS.read_text() if RESULTS.exists() else ""
    start = text.find("## Voices, loudness and start-up")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1 :] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text)
    print(section)


if __name__ == "__main__":
    main()
