"""The dub delivered inside the video, end to end in-process: a real video made with PyAV is uploaded over
HTTP, a voiceover render runs through the render job's use case (real espeak-ng), and the MKV and MP4 it
delivers are downloaded and checked with PyAV: video packets byte-identical, the original audio kept, the
dub tagged and flagged default, the same duration, the original ducked by the asked amount under speech
and untouched elsewhere."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from uuid import UUID

import av
import numpy as np
import pytest
import soundfile
from litestar.testing import AsyncTestClient

from tests.support.app import api_client
from tests.support.media import decode_audio, make_media, tone_level_db, video_packets
from tests.support.subtitles import new_project, new_track, person

pytestmark = pytest.mark.slow
TONE_HZ = 14000.0  # above anything a 24 kHz voice holds: the tone measures the original alone
CUES = [
    {"start_ms": 1000, "end_ms": 2600, "text": "Hello there, this is the dub."},
    {"start_ms": 4500, "end_ms": 6000, "text": "And a second line."},
]


async def upload(
    client: AsyncTestClient[Any], project_id: str, headers: dict[str, str], name: str, data: bytes, **fields: str
) -> Any:
    files = {"file": (name, data, "application/octet-stream")}
    return await client.post(f"/api/v1/projects/{project_id}/media", files=files, data=fields, headers=headers)


async def render_and_run(
    client: AsyncTestClient[Any], track_id: str, headers: dict[str, str], body: dict[str, Any]
) -> dict[str, Any]:
    asked = await client.post(f"/api/v1/tracks/{track_id}/renders", json=body, headers=headers)
    assert asked.status_code == 202, asked.text
    render_id = asked.json()["data"]["id"]
    execute = client.container.renders.execute_render()  # type: ignore[attr-defined]
    await execute.execute(UUID(render_id), final_attempt=True)
    done = (await client.get(f"/api/v1/renders/{render_id}", headers=headers)).json()["data"]
    assert done["status"] == "succeeded", done["error"]
    assert done["progress"]["done"] == done["progress"]["total"] == 3 * len(CUES)  # the delivery counts
    assert done["stats"]["delivery"]["dub_codec"] == "aac"
    return dict(done)


def speech_windows(voice: np.ndarray, rate: int) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """Where the voice stem speaks (inside, 200 ms in from each edge) and where it is silent (far from speech)."""
    frame = rate // 100
    loud = np.abs(voice[: voice.size // frame * frame]).reshape(-1, frame).max(axis=1) > 10 ** (-40 / 20)
    spans, start = [], None
    for i, on in enumerate([*loud, False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            spans.append((start / 100, i / 100))
            start = None
    merged: list[tuple[float, float]] = []
    for s, e in spans:
        if merged and s - merged[-1][1] < 0.6:
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    inside = [(s + 0.2, e - 0.2) for s, e in merged if e - s > 0.6]
    quiet, cursor = [], 0.2
    for s, e in merged:
        if s - 0.2 - cursor > 0.4:
            quiet.append((cursor, s - 0.2))
        cursor = e + 0.5  # after the 400 ms release
    return inside, quiet


# covers: S-JOB-1
async def test_a_voiceover_is_delivered_inside_the_video(clean_database: str, tmp_path: Path) -> None:
    source = make_media(tmp_path / "film.mkv", seconds=8.0, audio_tracks=(("eng", TONE_HZ),), subtitles=True)
    async with api_client(clean_database, tmp_path / "data") as client:
        owner = await person(client)
        project = await new_project(client, owner)
        track = await new_track(client, project["id"], owner, CUES)
        uploaded = await upload(client, project["id"], owner.headers, source.name, source.read_bytes())
        assert uploaded.status_code == 201, uploaded.text
        media = uploaded.json()["data"]
        assert media["kind"] == "video" and media["container"] == "matroska"
        assert [s["type"] for s in media["streams"]] == ["video", "audio", "subtitle"]
        assert media["streams"][1]["language"] == "en" and abs(media["duration_ms"] - 8000) < 100
        listed = await client.get(f"/api/v1/projects/{project['id']}/media", headers=owner.headers)
        assert [m["id"] for m in listed.json()["data"]] == [media["id"]]

        source_packets = video_packets(source)
        original, rate = decode_audio(source, 1)
        for fmt in ("mkv", "mp4"):
            body = {
                "voice": {"engine": "espeak", "name": "en-us"},
                "format": fmt,
                "mix": "voiceover",
                "media_id": media["id"],
                "duck_db": -12,
                "language": "de",
            }
            done = await render_and_run(client, track["id"], owner.headers, body)
            video = await client.get(f"/api/v1/renders/{done['id']}/video", headers=owner.headers)
            assert video.status_code == 200 and video.headers["content-type"].startswith("video/")
            delivered = tmp_path / f"dub.{fmt}"
            delivered.write_bytes(video.content)
            part = await client.get(
                f"/api/v1/renders/{done['id']}/video", headers={**owner.headers, "Range": "bytes=0-99"}
            )
            assert part.status_code == 206 and part.content == video.content[:100]
            stem = await client.get(f"/api/v1/renders/{done['id']}/stems/voice", headers=owner.headers)
            assert stem.status_code == 200
            voice, voice_rate = soundfile.read(io.BytesIO(stem.content), dtype="float32")

            assert video_packets(delivered) == source_packets  # copied, not re-encoded
            with av.open(str(delivered)) as out:
                audio = list(out.streams.audio)
                assert len(audio) == 2
                assert audio[0].metadata.get("language") == "eng"
                assert audio[1].metadata.get("language") == "deu"
                assert "Dub" in (audio[1].metadata.get("title") or audio[1].metadata.get("name") or "")
                assert bool(audio[1].disposition & av.stream.Disposition.default)
                assert not audio[0].disposition & av.stream.Disposition.default
                if fmt == "mkv":
                    assert [s.type for s in out.streams] == ["video", "audio", "subtitle", "audio"]
                assert abs(out.duration / 1e6 - 8.0) <= 0.05  # within a couple of audio frames
                kept_index, dub_index = audio[0].index, audio[1].index
            assert abs(done["duration_ms"] - 8000) <= 50

            kept, _ = decode_audio(delivered, kept_index)
            dub, dub_rate = decode_audio(delivered, dub_index)
            assert dub_rate == rate and abs(dub.size - original.size) <= 2048
            inside, quiet = speech_windows(voice, voice_rate)
            assert len(inside) == 2 and len(quiet) >= 2
            for start, end in inside:
                ducked = tone_level_db(dub, rate, TONE_HZ, start, end) - tone_level_db(
                    original, rate, TONE_HZ, start, end
                )
                assert abs(ducked - (-12.0)) <= 2.0, (fmt, start, end, ducked)
            for start, end in quiet:
                untouched = tone_level_db(dub, rate, TONE_HZ, start, end) - tone_level_db(
                    original, rate, TONE_HZ, start, end
                )
                assert abs(untouched) <= 0.5, (fmt, start, end, untouched)
                kept_level = tone_level_db(kept, rate, TONE_HZ, start, end) - tone_level_db(
                    original, rate, TONE_HZ, start, end
                )
                assert abs(kept_level) <= 0.5  # the original track is the original
