"""Helpers of bench/render.py: a generated track, CPU accounting of the process tree, the raw-engine loop."""

from __future__ import annotations

import os
import random
from pathlib import Path

from domain.timing import RenderCue

WORDS = (  # noqa: SIM905 - a word list reads better as text
    "the a to and of you I it in that is we what this he they on be for not have was with are my me your "
    "know just do get go can no so all there like right here now one out up about if well think come see "
    "want look time tell back good oh yeah something really going where how why never let take little "
    "people make sure way over man thing gonna because nothing maybe still need talk said anything thank "
    "please listen night today tomorrow morning house family money work home father mother brother "
    "sister friend police doctor car door water phone letter window minute second hour year story "
    "trouble captain"
).split()


def generate_track(cues: int, duration_s: float, seed: int = 5) -> list[RenderCue]:
    """Dialogue-like cues: 0.8–6 s long, gaps of 0.1–6 s, text at 10–21 chars/s (espeak-ng speaks ~15)."""
    rng = random.Random(seed)
    slot_ms = duration_s * 1000 / cues
    track: list[RenderCue] = []
    at = 0.0
    for number in range(cues):
        length = min(6000, max(800, rng.gauss(2800, 1200)))
        gap = max(100, slot_ms - length + rng.uniform(-0.4, 0.4) * slot_ms)
        chars = max(4, int(length / 1000 * rng.uniform(10, 21)))
        words: list[str] = []
        while sum(len(w) + 1 for w in words) < chars:
            words.append(rng.choice(WORDS))
        text = " ".join(words).capitalize() + rng.choice(".?!.")
        start = int(at + gap)
        track.append(RenderCue(id=str(number + 1), start_ms=start, end_ms=start + int(length), text=text))
        at = start + length
    return track


def work_root() -> Path:
    """Scratch space on the project's disk (bench/out, git-ignored), where `./.subdub` keeps a real
    installation's data: /tmp may be another filesystem with other costs."""
    root = Path(__file__).resolve().parent / "out"
    root.mkdir(exist_ok=True)
    return root


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def tree_cpu_seconds(root: int | None = None) -> float:
    """User + system CPU of a process and its live descendants (the engine's worker processes)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in _tree(root or os.getpid()):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def peak_rss_mb(pid: int | str = "self") -> float:
    """Peak RSS (VmHWM) of one process since it started its program. Not getrusage's ru_maxrss: Linux
    carries that over exec from the forked parent, so a child of a large process reports the parent's
    peak (measured: a child of a 400 MB process reported 410 MB while using 9 MB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_of_descendants_mb() -> float:
    """The largest peak RSS (VmHWM) among this process's descendants (engine server and workers)."""
    peaks = [0.0]
    for pid in _tree(os.getpid())[1:]:
        try:
            peaks.append(peak_rss_mb(pid))
        except OSError:
            continue
    return max(peaks)


def raw_loop(texts: list[str]) -> float:
    """The baseline: espeak-ng synthesizing texts in a plain loop in this process; seconds of audio made."""
    from adapters.tts.espeak_library import EspeakLibrary

    engine = _raw_engine.get("engine")
    if engine is None:
        engine = _raw_engine["engine"] = EspeakLibrary()
    made = 0
    for text in texts:
        made += len(engine.synthesize(text, "gmw/en-US", 1.0)) // 2
    return made / engine.sample_rate


_raw_engine: dict[str, object] = {}


def raw_loop_same_clips(texts: list[str]) -> float:
    """The second baseline: the least work that yields the stage's clips — espeak-ng, edge trim and
    resampling to 24 kHz in a plain loop (no process pool, cache, fit or event loop)."""
    from adapters.audio.pcm import resample_pcm, trim_silence
    from adapters.tts.espeak_library import EspeakLibrary

    engine = _raw_engine.get("engine")
    if engine is None:
        engine = _raw_engine["engine"] = EspeakLibrary()
    made = 0
    for text in texts:
        pcm = trim_silence(engine.synthesize(text, "gmw/en-US", 1.0))
        made += len(resample_pcm(pcm, engine.sample_rate, 24000)) // 2
    return made / 24000


def cpu_breakdown(texts: list[str]) -> dict[str, float]:
    """CPU milliseconds per cue of each step of the synthesis stage, measured one after the other here."""
    import pickle
    import tempfile
    import time

    from adapters.audio.pcm import resample_pcm, trim_silence
    from adapters.cache.packed_clip_cache import PackedClipCache
    from adapters.storage.fs_blob_store import FsBlobStore
    from adapters.tts.espeak_library import EspeakLibrary

    engine = EspeakLibrary()
    clock = time.process_time
    steps: dict[str, float] = {}
    t = clock()
    raw = [engine.synthesize(text, "gmw/en-US", 1.0) for text in texts]
    steps["espeak-ng synthesis"] = clock() - t
    t = clock()
    trimmed = [trim_silence(pcm) for pcm in raw]
    steps["trimming edge silence"] = clock() - t
    t = clock()
    resampled = [resample_pcm(pcm, engine.sample_rate, 24000) for pcm in trimmed]
    steps["resampling 22.05 → 24 kHz (soxr HQ)"] = clock() - t
    t = clock()
    pickle.loads(pickle.dumps(resampled))  # noqa: S301 - our own bytes, as the process pool does
    steps["moving clips between processes (pickle both ways)"] = clock() - t
    with tempfile.TemporaryDirectory(dir=work_root()) as folder:
        cache = PackedClipCache(FsBlobStore(Path(folder), durable=False))
        t = clock()
        for first in range(0, len(resampled), 64):  # a render stores each batch of 64 cues as one pack
            cache.put_many({f"{n:064x}": resampled[n] for n in range(first, min(first + 64, len(resampled)))})
        steps["clip cache writes (a pack per 64 clips)"] = clock() - t
    return {name: seconds * 1000 / len(texts) for name, seconds in steps.items()}


def loudness_measure_seconds(wav: Path) -> tuple[float, float, float]:
    """(seconds of audio, CPU s of our streaming meter, CPU s of a plain K-weighting filter loop) over a WAV.

    The plain loop is what the meter did before it kept the filter out of subnormal floats: the same
    pyloudnorm filters carried over 32 768-sample pieces, without the guard.
    """
    import time

    import numpy as np
    import soundfile
    from scipy.signal import sosfilt

    from adapters.audio.loudness import PIECE_SAMPLES, StreamingLoudnessMeter

    info = soundfile.info(str(wav))
    meter = StreamingLoudnessMeter(info.samplerate, info.frames)
    plain_state = np.zeros((meter._sos.shape[0], 2))
    ours = plain = 0.0
    for block in soundfile.blocks(str(wav), blocksize=info.samplerate * 10, dtype="float32"):
        t = time.process_time()
        meter.add(block)
        ours += time.process_time() - t
        t = time.process_time()
        for begin in range(0, block.size, PIECE_SAMPLES):
            piece = block[begin : begin + PIECE_SAMPLES].astype(np.float64)
            _, plain_state = sosfilt(meter._sos, piece, zi=plain_state)
        plain += time.process_time() - t
    return info.frames / info.samplerate, ours, plain
