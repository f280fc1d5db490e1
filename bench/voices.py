"""Voices benchmarks, written to bench/RESULTS.md under "## Voices, loudness and start-up".

- the hibari synthesis stage (the engine's process pool, through the adapter) against hibari in a
  plain loop on all cores, same texts, same run;
- a cold render with hibari to WAV (generated dialogue track, fixed seed) in × real time;
- a fully cached re-render of a 102-minute, 1 000-cue track (espeak clips) to WAV: with the
  target reachable without limiting (two mix passes) and at -16 LUFS (the limiter rehearsed: three);
- `subdub render --help` wall time against a bare `python -c pass`, same run.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from _render_support import generate_track, work_root

from adapters.audio.clips import NumpyClipProcessor
from adapters.audio.mixer import StreamingTrackMixer
from adapters.cache.packed_clip_cache import PackedClipCache
from adapters.storage.fs_blob_store import FsBlobStore
from adapters.tts.espeak import EspeakSpeechSynthesizer
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


def raw_hibari(texts: list[str]) -> tuple[float, float]:
    """(seconds, seconds of audio) of hibari in a plain loop, one single-threaded process per core."""
    with ProcessPoolExecutor(CORES, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(_raw, [["warm up"]] * CORES))
        t0 = time.perf_counter()
        audio = sum(pool.map(_raw, [texts[i::CORES] for i in range(CORES)]))
        return time.perf_counter() - t0, audio


async def stage_hibari(texts: list[str]) -> tuple[float, float]:
    engine = HibariSpeechSynthesizer()
    try:
        await engine.synthesize([SynthesisRequest(text="warm up", voice=HEART)] * CORES)
        t0 = time.perf_counter()
        clips = await engine.synthesize([SynthesisRequest(text=t, voice=HEART, sample_rate=24000) for t in texts])
        return time.perf_counter() - t0, sum(c.duration_ms for c in clips) / 1000
    finally:
        engine.close()


def use_case(work: Path, engines: dict[str, object]) -> RenderVoiceOver:
    cache = PackedClipCache(FsBlobStore(work / "blobs", durable=False))
    return RenderVoiceOver(engines, cache, NumpyClipProcessor(), StreamingTrackMixer(), FsBlobStore(work / "out"))  # type: ignore[arg-type]


async def cold_hibari_render(work: Path) -> tuple[float, float, object]:
    engine = HibariSpeechSynthesizer()
    try:
        track = generate_track(RENDER_CUES, RENDER_SECONDS, seed=11)
        render = use_case(work / "hibari", {"hibari": engine})
        t0 = time.perf_counter()
        report = await render.execute(track, RenderOptions(voice=HEART), "hibari.wav")
        return time.perf_counter() - t0, report.stats.duration_ms / 1000, report.loudness
    finally:
        engine.close()


async def cached_rerender(work: Path) -> list[tuple[str, float, object]]:
    engine = EspeakSpeechSynthesizer()
    try:
        track = generate_track(MIX_CUES, MIX_SECONDS, seed=5)
        render = use_case(work / "mix", {"espeak": engine})
        await render.execute(track, RenderOptions(), "warmup.wav")  # every clip into the cache
        rows = []
        for label, lufs in (("target -30 LUFS (no limiting: measure + encode)", -30.0), ("target -16 LUFS", -16.0)):
            t0 = time.perf_counter()
            report = await render.execute(track, RenderOptions(loudness_lufs=lufs), "again.wav")
            assert report.stats.from_cache == MIX_CUES
            rows.append((label, time.perf_counter() - t0, report.loudness))
        return rows
    finally:
        engine.close()


def startup(args: list[str], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        subprocess.run(args, cwd=ROOT, capture_output=True, check=True)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    work = work_root() / "voices"
    load = os.getloadavg()[0]
    texts = [cue.text for cue in generate_track(STAGE_CUES, STAGE_CUES * 5.4, seed=3)]
    raw_s, raw_audio = raw_hibari(texts)
    stage_s, stage_audio = asyncio.run(stage_hibari(texts))
    cold_s, cold_audio, cold_loudness = asyncio.run(cold_hibari_render(work))
    mixes = asyncio.run(cached_rerender(work))
    bare = startup([sys.executable, "-c", "pass"])
    help_s = startup([sys.executable, "-m", "entrypoints.cli.main", "render", "--help"])
    lines = [
        "## Voices, loudness and start-up",
        "",
        f"`python bench/voices.py` on {CORES} cores; load average {load:.1f} when it started (the machine was",
        "shared with other jobs: figures are upper bounds of what this host does alone).",
        "",
        "| what | figure | same-run baseline |",
        "|---|---|---|",
        f"| hibari synthesis stage, {STAGE_CUES} cues ({stage_audio:.0f} s of speech) | {stage_s:.1f} s = "
        f"{stage_audio / stage_s:.0f}× real time | raw hibari loop on {CORES} processes: {raw_s:.1f} s = "
        f"{raw_audio / raw_s:.0f}× ({stage_audio / stage_s / (raw_audio / raw_s) * 100:.0f} % kept) |",
        f"| cold hibari render to WAV, {RENDER_CUES} cues, {cold_audio / 60:.0f} min | {cold_s:.1f} s = "
        f"{cold_audio / cold_s:.0f}× real time; out {cold_loudness.output_lufs} LUFS, "  # type: ignore[attr-defined]
        f"{cold_loudness.true_peak_dbtp} dBTP | target ≥ 60× |",  # type: ignore[attr-defined]
    ]
    base_s = mixes[0][1]
    for label, seconds, loudness in mixes:
        lines.append(
            f"| fully cached re-render, {MIX_CUES} cues, 102 min, {label} | {seconds:.1f} s; out "
            f"{loudness.output_lufs} LUFS, {loudness.true_peak_dbtp} dBTP, limiter {loudness.limited_ms} ms | "  # type: ignore[attr-defined]
            f"{base_s:.1f} s without limiting; the issue's figure before this work: 12.7 s |"
        )
    lines.append(f"| `subdub render --help` | {help_s:.2f} s | `python -c pass`: {bare:.2f} s |")
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
