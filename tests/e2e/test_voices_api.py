"""The voices listing shows each voice's tier and a sample a user can listen to (cached after the first)."""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.support.app import api_client
from tests.support.subtitles import person

pytestmark = pytest.mark.slow


async def test_voices_have_a_tier_and_a_sample_that_decodes(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        user = await person(client)
        listed = await client.get("/api/v1/voices", params={"language": "en", "limit": 200}, headers=user.headers)
        assert listed.status_code == 200
        voices = {(v["engine"], v["name"]): v for v in listed.json()["data"]}
        heart = voices[("hibari", "heart")]
        assert (heart["tier"], heart["gender"], heart["language"], heart["sample_rate"]) == (
            "neural",
            "female",
            "en-US",
            24000,
        )
        assert voices[("espeak", "en-us")]["tier"] == "formant"

        started = time.perf_counter()
        sample = await client.get(heart["sample_url"], headers=user.headers)
        first_s = time.perf_counter() - started
        assert sample.status_code == 200 and sample.headers["content-type"] == "audio/wav"
        audio, rate = soundfile.read(io.BytesIO(sample.content), dtype="float32")
        assert rate == 24000 and 1.5 < audio.size / rate < 8 and np.max(np.abs(audio)) > 0.05
        started = time.perf_counter()
        again = await client.get(heart["sample_url"], headers=user.headers)
        assert again.content == sample.content
        assert time.perf_counter() - started < first_s  # from the clip cache, not the engine

        french = await client.get("/api/v1/voices/espeak/fr-fr/sample", headers=user.headers)
        assert french.status_code == 200
        missing = await client.get("/api/v1/voices/hibari/nobody/sample", headers=user.headers)
        assert missing.status_code == 404 and missing.json()["code"] == "not_found"
        assert (await client.get(heart["sample_url"])).status_code == 401
