"""Who says a cue and whether it is speech: stored, read, edited, synced and exported over HTTP."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from tests.support.app import api_client
from tests.support.subtitles import new_project, new_track, person


async def test_speaker_and_spoken_travel_through_every_cue_route(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner = await person(client)
        project = await new_project(client, owner)
        track = await new_track(
            client,
            project["id"],
            owner,
            [
                {"start_ms": 0, "end_ms": 900, "text": "Hola", "speaker": "  Alba  "},
                {"start_ms": 1000, "end_ms": 1900, "text": "[door slams]", "spoken": False},
            ],
        )
        cues_url = f"/api/v1/tracks/{track['id']}/cues"
        listed = (await client.get(cues_url, headers=owner.headers)).json()["data"]
        assert [(c["text"], c["speaker"], c["spoken"]) for c in listed] == [
            ("Hola", "Alba", True),
            ("[door slams]", None, False),
        ]

        created = await client.post(
            cues_url, json={"start_ms": 2000, "end_ms": 2500, "text": "Hi", "speaker": "Marta"}, headers=owner.headers
        )
        assert created.status_code == 201
        assert (created.json()["data"]["speaker"], created.json()["data"]["spoken"]) == ("Marta", True)
        url = f"{cues_url}/{created.json()['data']['id']}"
        patched = await client.patch(
            url, json={"spoken": False}, headers=owner.headers | {"If-Match": created.headers["etag"]}
        )
        assert (patched.json()["data"]["speaker"], patched.json()["data"]["spoken"]) == ("Marta", False)
        cleared = await client.patch(
            url, json={"speaker": None}, headers=owner.headers | {"If-Match": patched.headers["etag"]}
        )
        assert (cleared.json()["data"]["speaker"], cleared.json()["data"]["spoken"]) == (None, False)

        too_long = await client.post(
            cues_url, json={"start_ms": 0, "end_ms": 5, "text": "x", "speaker": "n" * 101}, headers=owner.headers
        )
        assert too_long.status_code == 422
        assert "speaker" in too_long.text


async def test_sync_pushes_and_pulls_speakers(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner = await person(client)
        project = await new_project(client, owner)
        track = await new_track(client, project["id"], owner)
        cue_id = str(uuid.uuid4())
        now = datetime.now(UTC).isoformat()
        body = {
            "changes": [
                {"id": cue_id, "updated_at": now, "start_ms": 0, "end_ms": 500, "text": "♪", "speaker": "Choir"},
            ]
        }
        headers = owner.headers | {"Idempotency-Key": uuid.uuid4().hex}
        pushed = await client.post(f"/api/v1/tracks/{track['id']}/sync", json=body, headers=headers)
        assert pushed.status_code == 200, pushed.text
        assert pushed.json()["data"]["applied"] == [cue_id]
        later = datetime.now(UTC).isoformat()
        body = {"changes": [{"id": cue_id, "updated_at": later, "spoken": False}]}
        headers = owner.headers | {"Idempotency-Key": uuid.uuid4().hex}
        assert (await client.post(f"/api/v1/tracks/{track['id']}/sync", json=body, headers=headers)).status_code == 200
        feed = (await client.get(f"/api/v1/tracks/{track['id']}/changes", headers=owner.headers)).json()["data"]
        assert [(c["id"], c["speaker"], c["spoken"]) for c in feed["changes"]] == [(cue_id, "Choir", False)]


async def test_export_keeps_speakers_and_non_speech_text(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner = await person(client)
        project = await new_project(client, owner)
        cues = [
            {"start_ms": 0, "end_ms": 900, "text": "Fish & <chips>", "speaker": "Alba"},
            {"start_ms": 1000, "end_ms": 1900, "text": "[thunder]", "spoken": False},
        ]
        track = await new_track(client, project["id"], owner, cues)
        url = f"/api/v1/tracks/{track['id']}/export"
        srt = (await client.get(f"{url}?format=srt", headers=owner.headers)).text
        vtt = (await client.get(f"{url}?format=vtt", headers=owner.headers)).text
        ass = (await client.get(f"{url}?format=ass", headers=owner.headers)).text
    assert "Alba: Fish & <chips>" in srt
    assert "[thunder]" in srt
    assert "<v Alba>Fish &amp; &lt;chips&gt;" in vtt
    assert "[thunder]" in vtt
    assert ",Default,Alba,0,0,0,,Fish & <chips>" in ass
    assert ",Default,,0,0,0,,[thunder]" in ass
