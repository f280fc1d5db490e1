"""Provider benchmarks (issue 7), written to bench/RESULTS.md under "## External providers".

1. 1 000 cues through the real Google Cloud TTS adapter against the fake server answering each call
   after 200 ms and enforcing a 1 000 requests/min budget, at the default concurrency (target ≤ 20 s,
   no 429). Baseline in the same run: 50 cues at concurrency 1 (what a sequential client would do).
2. Hit latency of a cached OpenSubtitles search vs an uncached one (fake server on loopback, so the
   uncached figure is a lower bound: the real API adds its network time).

Run: `.venv/bin/python bench/providers.py`
"""

from __future__ import annotations

import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from tests.fakes.provider_servers import FakeGoogleTts, FakeOpenSubtitles  # noqa: E402

from application.ports.catalog import SubtitleQuery  # noqa: E402
from application.ports.speech import SynthesisRequest  # noqa: E402
from domain.voices import VoiceRef  # noqa: E402
from entrypoints.settings import Settings, load_settings  # noqa: E402
from entrypoints.wiring.external import build_external_providers  # noqa: E402

VOICE = VoiceRef(engine="google", name="en-US-Standard-A")
RESULTS = ROOT / "bench" / "RESULTS.md"


def settings(data_dir: str, **env: str) -> Settings:
    base = {"SUBDUB_ENV": "test", "SUBDUB_DATA_DIR": data_dir, "SUBDUB_JWT_SECRET": "x" * 48}
    return load_settings({**base, "DAILYMOTION_ENABLED": "false", **env})


async def synthesis(data_dir: str, cues: int, **env: str) -> tuple[float, int, Settings]:
    fake = FakeGoogleTts(requests_per_minute=1000)
    await fake.server.start()
    fake.server.latency_s = 0.2
    config = settings(data_dir, GOOGLE_TTS_API_KEY=fake.API_KEY, GOOGLE_TTS_BASE_URL=fake.server.url, **env)
    external = build_external_providers(config)
    assert external.google_tts is not None
    requests = [SynthesisRequest(text=f"Cue number {i}, spoken aloud.", voice=VOICE) for i in range(cues)]
    started = time.perf_counter()
    clips = await external.google_tts.synthesize(requests)
    elapsed = time.perf_counter() - started
    assert len(clips) == cues
    await external.aclose()
    await fake.server.stop()
    return elapsed, fake.rejected_by_budget, config


async def search_latency(data_dir: str, rounds: int = 200) -> tuple[float, float]:
    fake = FakeOpenSubtitles()
    await fake.server.start()
    config = settings(data_dir, OPENSUBTITLES_API_KEY=fake.API_KEY, OPENSUBTITLES_BASE_URL=fake.server.url)
    external = build_external_providers(config)
    catalog = external.opensubtitles
    assert catalog is not None
    catalog._api_limiter.limit = 1_000_000  # measure the cache, not the 5 req/s politeness limit
    uncached, cached = [], []
    for i in range(rounds):
        query = SubtitleQuery(query=f"film {i}", languages=("en",))
        started = time.perf_counter()
        await catalog.search(query)
        uncached.append(time.perf_counter() - started)
        started = time.perf_counter()
        await catalog.search(query)
        cached.append(time.perf_counter() - started)
    await external.aclose()
    await fake.server.stop()
    return statistics.median(uncached) * 1000, statistics.median(cached) * 1000


def write_section(text: str) -> None:
    heading = "## External providers"
    existing = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"{re.escape(heading)}\n.*?(?=\n## |\Z)", re.S)
    section = f"{heading}\n{text.rstrip()}\n"
    updated = pattern.sub(section, existing) if pattern.search(existing) else existing.rstrip() + "\n\n" + section
    RESULTS.write_text(updated)


async def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        full_s, rejected, config = await synthesis(data_dir, 1000)
        base_s, base_rejected, _ = await synthesis(data_dir, 50, GOOGLE_TTS_CONCURRENCY="1")
        uncached_ms, cached_ms = await search_latency(data_dir)
    per_cue_base = base_s / 50
    budget = f"concurrency {config.google_tts_concurrency}, budget {config.google_tts_requests_per_minute}/min"
    rows = [
        (
            f"1 000 cues through the Google adapter, 200 ms per call, {budget}",
            f"**{full_s:.1f} s**, {rejected} × 429",
            "target ≤ 20 s, no 429",
        ),
        (
            "baseline: 50 cues at concurrency 1 (same fake)",
            f"{base_s:.1f} s ({per_cue_base * 1000:.0f} ms/cue → ~{per_cue_base * 1000:.0f} s for 1 000)",
            f"sequential client, {base_rejected} × 429",
        ),
        ("OpenSubtitles search, uncached (median of 200, loopback fake)", f"{uncached_ms:.2f} ms", "no network"),
        (
            "OpenSubtitles search, cached (median of 200, in-process layer)",
            f"{cached_ms:.3f} ms",
            f"{uncached_ms / cached_ms:.0f}× faster than uncached",
        ),
    ]
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        f"Measured {when} by `bench/providers.py` (2 shared cores, fakes on loopback).",
        "",
        "| figure | result | target / baseline |",
        "|---|---|---|",
        *(f"| {a} | {b} | {c} |" for a, b, c in rows),
    ]
    text = "\n".join(lines)
    write_section(text)
    print(text)


if __name__ == "__main__":
    asyncio.run(main())
