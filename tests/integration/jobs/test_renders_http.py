"""The Renders routes in-process: who may render, bad input refused before anything is queued,
Idempotency-Key replays, cancelling, and the 404 / 409 answers (no worker runs here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg

from tests.support.app import api_client
from tests.support.subtitles import new_track, team

ESPEAK = {"voice": {"engine": "espeak", "name": "en-us"}, "format": "wav"}


def queued_jobs(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM procrastinate_jobs").fetchone()
    return int(row[0]) if row else 0


# covers: S-SEC-4, S-API-6, S-JOB-1
async def test_render_requests_are_authorised_validated_and_idempotent(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        crew = await team(client)
        url = f"/api/v1/tracks/{crew.track['id']}/renders"

        assert (await client.post(url, json=ESPEAK, headers=crew.as_("viewer"))).status_code == 403
        assert (await client.post(url, json=ESPEAK, headers=crew.as_("outsider"))).status_code == 404
        assert (await client.post(url, json=ESPEAK)).status_code == 401
        unknown = await client.post(
            url, json={**ESPEAK, "voice": {"engine": "espeak", "name": "xx-nope"}}, headers=crew.as_("editor")
        )
        assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_voice"
        bad_format = await client.post(url, json={**ESPEAK, "format": "aiff"}, headers=crew.as_("editor"))
        assert bad_format.status_code == 400
        bad_rate = await client.post(url, json={**ESPEAK, "sample_rate": 12345}, headers=crew.as_("editor"))
        assert bad_rate.status_code == 422 and bad_rate.json()["errors"][0]["field"] == "sample_rate"
        empty = await new_track(client, crew.project["id"], crew.owner, [])
        no_cues = await client.post(f"/api/v1/tracks/{empty['id']}/renders", json=ESPEAK, headers=crew.as_("owner"))
        assert no_cues.status_code == 422 and no_cues.json()["code"] == "empty_track"
        assert queued_jobs(clean_database) == 0  # nothing was queued by any refusal

        key = {"Idempotency-Key": "render-once-1", **crew.as_("editor")}
        first = await client.post(url, json=ESPEAK, headers=key)
        assert first.status_code == 202, first.text
        render: dict[str, Any] = first.json()["data"]
        assert first.headers["location"] == f"/api/v1/renders/{render['id']}"
        assert render["status"] == "queued" and render["progress"] == {"done": 0, "total": 6, "percent": 0.0}
        replay = await client.post(url, json=ESPEAK, headers=key)
        assert replay.status_code == 202 and replay.json()["data"]["id"] == render["id"]
        assert (await client.post(url, json={**ESPEAK, "format": "flac"}, headers=key)).status_code == 409
        assert queued_jobs(clean_database) == 1  # one render, one job

        read = await client.get(first.headers["location"], headers=crew.as_("viewer"))
        assert read.status_code == 200
        assert set(read.json()["data"]) >= {
            "id", "track_id", "status", "progress", "heartbeat_at", "attempts", "stats", "duration_ms", "format",
            "size_bytes", "error", "created_at", "started_at", "finished_at",
        }  # fmt: skip
        for suffix in ("", "/events", "/audio"):
            hidden = await client.get(f"/api/v1/renders/{render['id']}{suffix}", headers=crew.as_("outsider"))
            assert hidden.status_code == 404, suffix
        not_ready = await client.get(f"/api/v1/renders/{render['id']}/audio", headers=crew.as_("viewer"))
        assert not_ready.status_code == 409 and not_ready.json()["code"] == "render_not_ready"

        second = (await client.post(url, json={**ESPEAK, "format": "mp3"}, headers=crew.as_("owner"))).json()["data"]
        listed = await client.get(url, params={"limit": 1}, headers=crew.as_("viewer"))
        assert [r["id"] for r in listed.json()["data"]] == [second["id"]]
        rest = await client.get(
            url, params={"cursor": listed.json()["meta"]["next_cursor"]}, headers=crew.as_("viewer")
        )
        assert [r["id"] for r in rest.json()["data"]] == [render["id"]]
        assert (await client.get(url, headers=crew.as_("outsider"))).status_code == 404

        cancel = f"/api/v1/renders/{second['id']}/cancel"
        assert (await client.post(cancel, headers=crew.as_("viewer"))).status_code == 403
        cancelled = await client.post(cancel, headers=crew.as_("editor"))
        assert cancelled.status_code == 202 and cancelled.json()["data"]["status"] == "cancelled"
        again = await client.post(cancel, headers=crew.as_("editor"))
        assert again.status_code == 409 and again.json()["code"] == "render_finished"
        events = await client.get(f"/api/v1/renders/{second['id']}/events", headers=crew.as_("viewer"))
        assert events.status_code == 200 and "event: cancelled" in events.text  # the final event at once


async def test_a_render_without_a_voice_takes_the_default_of_the_track_language(
    clean_database: str, tmp_path: Path
) -> None:
    async with api_client(clean_database, tmp_path) as client:
        crew = await team(client)  # its track is English
        english = await client.post(
            f"/api/v1/tracks/{crew.track['id']}/renders", json={"format": "wav"}, headers=crew.as_("editor")
        )
        assert english.status_code == 202, english.text
        assert english.json()["data"]["voice"] == {"engine": "hibari", "name": "heart"}  # the neural voice

        body = {"language": "de", "label": "Deutsch", "cues": [{"start_ms": 0, "end_ms": 900, "text": "Guten Tag"}]}
        created = await client.post(
            f"/api/v1/projects/{crew.project['id']}/tracks", json=body, headers=crew.owner.headers
        )
        assert created.status_code == 201, created.text
        german = await client.post(
            f"/api/v1/tracks/{created.json()['data']['id']}/renders", json={"format": "wav"}, headers=crew.as_("editor")
        )
        assert german.status_code == 202, german.text
        assert german.json()["data"]["voice"] == {"engine": "espeak", "name": "de"}  # espeak-ng's voice of it

        chosen = await client.post(
            f"/api/v1/tracks/{crew.track['id']}/renders", json=ESPEAK, headers=crew.as_("editor")
        )
        assert chosen.json()["data"]["voice"] == ESPEAK["voice"]  # a voice asked for is kept
