"""The one-cue preview over HTTP with real PostgreSQL and the real offline voice: WAV of the cue and its
neighbours, editors only, outsiders 404, unsaved text, and a storm of previews answered 429."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import soundfile

from application.use_cases.renders.preview_cue import PreviewLimits
from tests.support.app import api_client
from tests.support.subtitles import new_track, team

LINES = [
    {"start_ms": 60_000, "end_ms": 61_500, "text": "Where were you last night?"},
    {"start_ms": 62_000, "end_ms": 63_500, "text": "At the station, waiting."},
    {"start_ms": 64_000, "end_ms": 65_000, "text": "Waiting for whom?"},
    {"start_ms": 90_000, "end_ms": 91_000, "text": "Much later."},
]


# covers: S-SEC-4, S-API-4
async def test_an_editor_hears_a_cue_between_its_neighbours_and_a_storm_is_refused(
    clean_database: str, tmp_path: Path
) -> None:
    async with api_client(clean_database, tmp_path) as client:
        limits = PreviewLimits(per_minute=4, seconds=300)  # the shared test machine may start engines slowly
        client.container.renders.preview_cue.add_kwargs(limits=limits)  # type: ignore[attr-defined]
        crew = await team(client)
        track = await new_track(client, crew.project["id"], crew.owner, LINES)
        page = await client.get(f"/api/v1/tracks/{track['id']}/cues", headers=crew.as_("owner"))
        middle = page.json()["data"][1]["id"]
        url = f"/api/v1/tracks/{track['id']}/cues/{middle}/preview"

        heard = await client.post(url, headers=crew.as_("editor"))
        assert heard.status_code == 200, heard.text
        assert heard.headers["content-type"] == "audio/wav"
        audio, rate = soundfile.read(io.BytesIO(heard.content))
        seconds = len(audio) / rate
        assert 4.5 <= seconds <= 7.0  # from just before the first neighbour to the end of the last, not a minute in
        assert np.max(np.abs(audio[int(2.0 * rate) : int(3.5 * rate)])) > 0.01  # the cue itself is heard

        unsaved = await client.post(url, json={"text": "At the station. Alone."}, headers=crew.as_("editor"))
        assert unsaved.status_code == 200 and unsaved.content != heard.content
        empty = await client.post(url, json={"text": "   "}, headers=crew.as_("owner"))
        assert empty.status_code == 422 and empty.json()["code"] == "invalid_text"

        assert (await client.post(url, headers=crew.as_("viewer"))).status_code == 403
        assert (await client.post(url, headers=crew.as_("outsider"))).status_code == 404  # another user's track
        other = f"/api/v1/tracks/{crew.track['id']}/cues/{middle}/preview"  # a cue of another track
        assert (await client.post(other, headers=crew.as_("owner"))).status_code == 404

        answers = [(await client.post(url, headers=crew.as_("owner"))).status_code for _ in range(5)]
        assert answers[:3] == [200, 200, 200] and 429 in answers[3:]  # the owner's own budget: 4 a minute
        storm = await client.post(url, headers=crew.as_("owner"))
        assert storm.status_code == 429 and int(storm.headers["retry-after"]) > 0
        assert storm.json()["code"] == "rate_limited"
