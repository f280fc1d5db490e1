"""Done-when of the voices work: a two-speaker track with a cast (the neural voice for one speaker,
espeak-ng for the other) rendered through the API and a real worker process; the report names each
cue's voice and the decoded audio lands on −16 LUFS under −1 dBTP."""

from __future__ import annotations

import io
import os
from pathlib import Path

import httpx
import numpy as np
import pyloudnorm
import pytest
import soundfile
from scipy.signal import resample_poly

from tests.e2e.renders.test_render_vertical_slice import process, sse_events
from tests.e2e.test_graceful_shutdown import wait_until_live
from tests.support.server import free_port

pytestmark = pytest.mark.slow
HIBARI = {"engine": "hibari", "name": "heart"}
ESPEAK = {"engine": "espeak", "name": "en-us"}
DIALOGUE = [
    ("Alice", "Did you lock the back door before we left?"),
    ("Bob", "I think so. Why do you ask?"),
    ("Alice", "Because the lights are on in the kitchen."),
    ("Bob", "Maybe the timer switched them on."),
    ("Alice", "We never set a timer, Bob."),
    ("Bob", "Then let's go and have a look, quietly."),
]


def test_a_two_speaker_track_renders_with_its_cast_and_reports_each_voice(clean_database: str, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "SUBDUB_ENV": "test",
        "DATABASE_URL": clean_database,
        "SUBDUB_HTTP_PORT": str(port),
        "SUBDUB_DATA_DIR": str(tmp_path / "data"),
        "SUBDUB_JWT_SECRET": "c" * 40,
        "SUBDUB_LOG_FORMAT": "json",
        "SUBDUB_WORKER_CONCURRENCY": "1",
        "SUBDUB_RENDER_HEARTBEAT_SECONDS": "0.5",
    }
    base = f"http://127.0.0.1:{port}"
    with process(["serve"], env, tmp_path / "api.log") as api, process(["worker"], env, tmp_path / "worker.log"):
        wait_until_live(base, api)
        with httpx.Client(base_url=base, timeout=60) as http:
            account = {"email": "cast@example.com", "password": "correct horse battery staple", "display_name": "C"}
            assert http.post("/api/v1/auth/register", json=account).status_code == 201
            login = http.post("/api/v1/auth/login", json={"email": account["email"], "password": account["password"]})
            auth = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}
            project = http.post("/api/v1/projects", json={"title": "Cast"}, headers=auth).json()["data"]
            cues = [
                {"start_ms": i * 4000, "end_ms": i * 4000 + 3500, "text": text, "speaker": speaker}
                for i, (speaker, text) in enumerate(DIALOGUE)
            ]
            created = http.post(
                f"/api/v1/projects/{project['id']}/tracks",
                json={"language": "en", "label": "English", "cues": cues},
                headers=auth,
            )
            assert created.status_code == 201, created.text
            track = created.json()["data"]
            cast = http.put(
                f"/api/v1/projects/{project['id']}/cast",
                json={"speakers": {"Alice": HIBARI, "Bob": ESPEAK}},
                headers=auth,
            )
            assert cast.status_code == 200, cast.text

            body = {"voice": ESPEAK, "format": "wav", "sample_rate": 24000, "loudness_lufs": -16}
            asked = http.post(f"/api/v1/tracks/{track['id']}/renders", json=body, headers=auth)
            assert asked.status_code == 202, asked.text
            location = asked.headers["location"]
            with http.stream("GET", f"{location}/events", headers=auth, timeout=240) as stream:
                names = [name for name, _ in sse_events(stream)]
            assert names[-1] == "done", (names, (tmp_path / "worker.log").read_text()[-3000:])

            render = http.get(location, headers=auth).json()["data"]
            assert render["stats"]["voices"] == ["espeak:en-us", "hibari:heart"]
            report = http.get(f"{location}/report", headers=auth, params={"limit": 4})
            assert report.status_code == 200, report.text
            first = report.json()
            rest = http.get(f"{location}/report", headers=auth, params={"cursor": first["meta"]["next_cursor"]}).json()
            assert rest["meta"]["next_cursor"] is None
            entries = first["data"] + rest["data"]
            assert [(e["speaker"], e["voice"]) for e in entries] == [
                (speaker, "hibari:heart" if speaker == "Alice" else "espeak:en-us") for speaker, _ in DIALOGUE
            ]
            audio_bytes = http.get(f"{location}/audio", headers=auth).content

    audio, rate = soundfile.read(io.BytesIO(audio_bytes), dtype="float64")
    assert pyloudnorm.Meter(rate).integrated_loudness(audio) == pytest.approx(-16.0, abs=0.5)
    assert 20 * np.log10(np.max(np.abs(resample_poly(audio, 4, 1)))) <= -1.0
    assert render["stats"]["true_peak_dbtp"] <= -1.0
