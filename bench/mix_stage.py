"""Mix-stage benchmark, written to bench/RESULTS.md under "## Mix stage and start-up".

A fully cached re-render of a 102-minute, 1 000-cue espeak track (generated, fixed seed) to WAV, at
-30 LUFS (no limiting) and at -16 LUFS (espeak's peaky speech through the true-peak limiter), and
`subdub render --help`; each against the same thing run from another checkout's `src` (the code
before this work: `--baseline-src`), in the same run, in child processes that alternate. The -16 LUFS
output is decoded and measured with pyloudnorm and scipy's 4× resampler.

    python bench/mix_stage.py --baseline-src /path/to/old/checkout/src
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Mix stage and start-up"
CUES, SECONDS = 1000, 6120  # 102 minutes
HERE = Path(__file__).resolve().parent


def _use_case(work: Path, engine: object) -> object:
    from adapters.audio.clips import NumpyClipProcessor
    from adapters.audio.mixer import StreamingTrackMixer
    from adapters.cache.packed_clip_cache import PackedClipCache
    from adapters.storage.fs_blob_store import FsBlobStore
    from application.audio_pipeline.voice_over import RenderVoiceOver

    cache = PackedClipCache(FsBlobStore(work / "blobs", durable=False))
    return RenderVoiceOver({"espeak": engine}, cache, NumpyClipProcessor(), StreamingTrackMixer(), FsBlobStore(work))  # type: ignore[dict-item]


async def _render(work: Path, lufs: float | None, output: str) -> dict[str, object]:
    """One render in this process: the warm-up (every clip into the cache) when `lufs` is None."""
    sys.path.insert(0, str(HERE))
    import pyloudnorm  # noqa: F401 - loaded before timing, as in a long-running worker
    from _render_support import generate_track

    from adapters.tts.espeak import EspeakSpeechSynthesizer
    from domain.render_options import RenderOptions

    engine = EspeakSpeechSynthesizer()
    try:
        await engine.list_voices()
        track = generate_track(CUES, SECONDS, seed=5)
        render = _use_case(work, engine)
        cpu0, t0 = time.process_time(), time.perf_counter()
        report = await render.execute(track, RenderOptions(loudness_lufs=lufs or -16.0), output)  # type: ignore[attr-defined]
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    finally:
        engine.close()
    loudness = report.loudness
    return {
        "wall": wall,
        "cpu": cpu,
        "load": os.getloadavg()[0],
        "from_cache": report.stats.from_cache,
        "out_lufs": loudness.output_lufs,
        "true_peak": loudness.true_peak_dbtp,
        "limited_ms": loudness.limited_ms,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _child(src: Path, *args: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], env=env, capture_output=True, text=True, check=True, cwd=ROOT
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _help_seconds(src: Path, rounds: int = 5) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "entrypoints.cli.main", "render", "--help"], env=env, capture_output=True, check=True
        )
        best = min(best, time.perf_counter() - t0)
    return best


def _decoded(path: Path) -> tuple[float, float]:
    import numpy as np
    import pyloudnorm
    import soundfile
    from scipy.signal import resample_poly

    audio, rate = soundfile.read(path, dtype="float64")
    loudness = pyloudnorm.Meter(rate).integrated_loudness(audio)
    minute, edge = rate * 60, 400  # a minute at a time, with context the resampler's filter reads
    peak = 0.0
    for begin in range(0, audio.size, minute):
        lo = max(0, begin - edge)
        up = np.abs(resample_poly(audio[lo : begin + minute + edge], 4, 1))
        peak = max(peak, float(up[(begin - lo) * 4 : (begin - lo + minute) * 4].max()))
    return loudness, 20 * float(np.log10(peak))


def _row(label: str, result: dict[str, object]) -> str:
    r: dict[str, float] = {key: float(value) for key, value in result.items() if isinstance(value, int | float)}
    return (
        f"{r['wall']:.2f} s wall, {r['cpu']:.2f} s CPU (load {r['load']:.1f}); out {result['out_lufs']} LUFS, "
        f"{result['true_peak']} dBTP, limiter {r['limited_ms'] / 1000:.0f} s; peak RSS {r['rss_mb']:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline-src", type=Path, required=False)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--lufs", type=float)
    parser.add_argument("--output", default="again.wav")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from _render_support import work_root

    work = work_root() / "mix_stage"
    if args.child:
        print(json.dumps(asyncio.run(_render(work, args.lufs, args.output))))
        return
    current, baseline = ROOT / "src", args.baseline_src
    load = os.getloadavg()
    _child(current, "--output", "warmup.wav")  # every clip into the cache
    rows: list[tuple[str, str, str]] = []
    for lufs, label in ((-30.0, "target -30 LUFS (no limiting)"), (-16.0, "target -16 LUFS (limiter works)")):
        ours = [_child(current, "--lufs", str(lufs), "--output", f"new{lufs}.wav") for _ in range(args.rounds)]
        theirs = _child(baseline, "--lufs", str(lufs), "--output", f"old{lufs}.wav") if baseline else None
        best = min(ours, key=lambda r: float(r["wall"]))  # type: ignore[arg-type]
        rows.append(
            (
                f"fully cached re-render, {CUES} cues, 102 min, {label}",
                _row(label, best),
                _row(label, theirs) if theirs else "—",
            )
        )
    loudness, true_peak = _decoded(work / "new-16.0.wav")
    rows.append(
        (
            "-16 LUFS output decoded (pyloudnorm; scipy 4× resampler)",
            f"{loudness:.2f} LUFS, {true_peak:.2f} dBTP",
            "target -16 ± 0.5 LUFS, ≤ -1 dBTP",
        )
    )
    help_new = _help_seconds(current)
    help_old = _help_seconds(baseline) if baseline else float("nan")
    bare = min(_bare() for _ in range(3))
    rows.append(
        (
            "`subdub render --help` (best of 5)",
            f"{help_new:.2f} s (`python -c pass`: {bare:.2f} s)",
            f"{help_old:.2f} s",
        )
    )
    lines = [
        SECTION,
        "",
        "`python bench/mix_stage.py --baseline-src <checkout before this work>/src`, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"2 cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the start (shared with other jobs:",
        "wall times are upper bounds; the CPU seconds say what the work costs). Best of "
        f"{args.rounds} for this code, one run of the baseline, alternating, each in its own process.",
        "",
        "| what | this code | same-run baseline (before) |",
        "|---|---|---|",
        *(f"| {a} | {b} | {c} |" for a, b, c in rows),
    ]
    section = "\n".join(lines) + "\n"
    text = RESULTS.read_text() if RESULTS.exists() else ""
    start = text.find(SECTION)
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1 :] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text)
    print(section)


def _bare() -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
