"""The delivery-over-media benchmark (bench/render.py --mux): a 90-minute source made with PyAV (a GOP of
video and ten seconds of AAC encoded once, their packets repeated with shifted timestamps: a valid file
of realistic size in seconds), a 90-minute voice stem with 1 000 spoken spans, then the mux stage
(decode the soundtrack, duck, mix, encode the dub, copy every packet) against copying the file."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import soundfile
from _render_support import peak_rss_mb

SECONDS = 5400
FPS = 25
RATE = 48000
VOICE_RATE = 24000
SIZE = (640, 360)


def make_source(path: Path, seconds: int = SECONDS) -> None:
    with av.open(str(path), "w", format="matroska") as out:
        video = out.add_stream("mpeg4", rate=FPS)
        video.width, video.height = SIZE
        video.pix_fmt = "yuv420p"
        video.bit_rate = 800_000
        video.codec_context.gop_size = FPS * 2
        audio = out.add_stream("aac", rate=RATE, layout="stereo")
        audio.metadata["language"] = "eng"
        gop, sound = _encoded_pieces(video, audio)
        period = 10  # seconds per repeated piece
        for piece in range(seconds // period):
            base = piece * period
            for packet, pts in gop:
                packet = av.Packet(bytes(packet))
                packet.stream, packet.time_base = video, Fraction(1, FPS)
                packet.pts = packet.dts = pts + base * FPS
                packet.is_keyframe = pts % (FPS * 2) == 0
                out.mux(packet)
            for data, pts, duration in sound:
                packet = av.Packet(data)
                packet.stream, packet.time_base = audio, Fraction(1, RATE)
                packet.pts = packet.dts = pts + base * RATE
                packet.duration = duration
                out.mux(packet)


def _encoded_pieces(video: av.video.stream.VideoStream, audio: av.audio.stream.AudioStream) -> tuple[list, list]:
    """Ten seconds of video (five GOPs) and of a tone with noise, encoded once."""
    rng = np.random.default_rng(5)
    gop = []
    for i in range(FPS * 10):
        image = rng.integers(0, 255, (SIZE[1], SIZE[0], 3), dtype=np.uint8) // 4 + (i * 3 % 192)
        frame = av.VideoFrame.from_ndarray(image.astype(np.uint8), format="rgb24")
        frame.pts = i
        gop += [(p, p.pts) for p in video.encode(frame)]
    gop += [(p, p.pts) for p in video.encode(None)]
    sound = []
    t = np.arange(RATE * 10) / RATE
    wave = (0.1 * np.sin(2 * np.pi * 220 * t) + 0.02 * rng.standard_normal(t.size)).astype(np.float32)
    for begin in range(0, wave.size, 1024):
        frame = av.AudioFrame.from_ndarray(np.stack([wave[begin : begin + 1024]] * 2), format="fltp", layout="stereo")
        frame.sample_rate, frame.pts, frame.time_base = RATE, begin, Fraction(1, RATE)
        sound += [(bytes(p), p.pts, p.duration) for p in audio.encode(frame)]
    # packets of the encoder's flush would end the stream: every piece repeats whole frames only
    return gop, [(d, p, n) for d, p, n in sound if p is not None and p >= 0 and p + n <= RATE * 10]


def make_voice(path: Path, seconds: int = SECONDS, spans: int = 1000) -> list[tuple[int, int]]:
    rng = np.random.default_rng(7)
    starts = np.sort(rng.choice(np.arange(0, (seconds - 10) * 1000, 1000), spans, replace=False))
    speech = [(int(s), int(s + rng.integers(800, 5000))) for s in starts]
    speech = [(s, min(e, speech[i + 1][0] - 200) if i + 1 < len(speech) else e) for i, (s, e) in enumerate(speech)]
    with soundfile.SoundFile(str(path), "w", VOICE_RATE, 1, format="FLAC") as out:
        block = VOICE_RATE * 10
        spans_iter = iter(speech)
        current = next(spans_iter, None)
        for first in range(0, seconds * VOICE_RATE, block):
            t = np.arange(first, first + block)
            chunk = np.zeros(block, dtype=np.float32)
            while current is not None and current[0] * VOICE_RATE // 1000 < first + block:
                a, b = current[0] * VOICE_RATE // 1000, current[1] * VOICE_RATE // 1000
                lo, hi = max(a, first), min(b, first + block)
                chunk[lo - first : hi - first] = 0.2 * np.sin(2 * np.pi * 180 * t[lo - first : hi - first] / VOICE_RATE)
                if b > first + block:
                    break
                current = next(spans_iter, None)
            out.write(chunk)
    return speech


def deliver_child(source: str, voice: str, speech_file: str, fmt: str, out: str) -> None:
    """Runs in its own process: the delivery, then its time and peak RSS as JSON on stdout."""
    from adapters.media.pyav_deliverer import PyAvMediaDeliverer
    from application.ports.media import DubDelivery

    speech = tuple(tuple(span) for span in json.loads(Path(speech_file).read_text()))
    plan = DubDelivery(
        format=fmt, mix="voiceover", bed_stream=1, duck_db=-12.0, attack_ms=150, release_ms=400,
        speech=speech, language="de", title="Dub (de)", dub_default=True,
    )  # fmt: skip
    started = time.perf_counter()
    cpu = time.process_time()
    with open(source, "rb") as original, open(source, "rb") as bed, open(voice, "rb") as stem, open(out, "wb") as sink:
        report = PyAvMediaDeliverer().deliver(
            plan, voice=stem, original=original, bed=bed, sink=sink, progress=lambda _: None
        )
    print(json.dumps({
        "seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "rss_mb": peak_rss_mb(),
        "duration_ms": report.duration_ms, "size": Path(out).stat().st_size,
    }))  # fmt: skip


def copy_seconds(source: Path, target: Path) -> float:
    started = time.perf_counter()
    with source.open("rb") as src, target.open("wb") as dst:
        shutil.copyfileobj(src, dst, 1024 * 1024)
        dst.flush()
    return time.perf_counter() - started


def run(work: Path) -> list[tuple[str, str, str]]:
    work.mkdir(parents=True, exist_ok=True)
    source, voice, speech_file = work / "source.mkv", work / "voice.flac", work / "speech.json"
    started = time.perf_counter()
    make_source(source)
    speech = make_voice(voice)
    speech_file.write_text(json.dumps(speech))
    made = time.perf_counter() - started
    size_mb = source.stat().st_size / 1e6
    rows = [("90-minute source (made for the run)", f"{size_mb:.0f} MB mkv, mpeg4 640×360 + AAC stereo 48 kHz; "
             f"voice stem 1 000 spans; made in {made:.0f} s", "—")]  # fmt: skip
    copy = min(copy_seconds(source, work / "copy.mkv") for _ in range(2))
    rows.append(
        ("baseline: copying the source file (best of 2)", f"**{copy:.1f} s** ({size_mb / copy:.0f} MB/s)", "same run")
    )
    for fmt in ("mkv",):
        child = subprocess.run(
            [sys.executable, __file__, str(source), str(voice), str(speech_file), fmt, str(work / f"dub.{fmt}")],
            capture_output=True, text=True, check=True, cwd=Path(__file__).parent,
        )  # fmt: skip
        result = json.loads(child.stdout.strip().splitlines()[-1])
        rows.append((
            f"mux stage, voiceover → {fmt} (decode + duck + mix + AAC encode + copy every packet)",
            f"**{result['seconds']:.1f} s = {SECONDS / result['seconds']:.0f}× real time**, "
            f"{result['seconds'] / copy:.1f}× the copy; CPU {result['cpu']:.1f} s; peak RSS {result['rss_mb']:.0f} MB; "
            f"{result['size'] / 1e6:.0f} MB out",
            "copying the file, same run",
        ))  # fmt: skip
    for leftover in work.iterdir():
        leftover.unlink()
    return rows


if __name__ == "__main__":
    sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "src")]
    deliver_child(*sys.argv[1:6])
