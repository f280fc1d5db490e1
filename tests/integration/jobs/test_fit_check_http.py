"""The fit check over HTTP with real PostgreSQL: members read it, outsiders get 404, bad options 4xx,
and the speaking rates a finished render stores are what it predicts from."""

from __future__ import annotations

from pathlib import Path

from tests.support.app import api_client
from tests.support.subtitles import new_track, team


# covers: S-SEC-4, S-API-3
async def test_members_get_a_forecast_outsiders_a_404_and_bad_options_a_problem(
    clean_database: str, tmp_path: Path
) -> None:
    async with api_client(clean_database, tmp_path) as client:
        crew = await team(client)
        url = f"/api/v1/tracks/{crew.track['id']}/fit-check"

        answer = await client.post(url, headers=crew.as_("viewer"))
        assert answer.status_code == 200, answer.text
        data = answer.json()["data"]
        assert [set(cue) >= {"id", "voice", "predicted_ms", "window_ms", "speed", "overflow_ms", "action"}
                for cue in data["cues"]] == [True] * 3  # fmt: skip
        assert data["totals"]["cues"] == 3 and data["measured"] == 0
        assert all(cue["voice"] == "espeak:en-us" and cue["predicted_ms"] > 0 for cue in data["cues"])

        assert (await client.post(url, headers=crew.as_("outsider"))).status_code == 404
        assert (await client.post(url)).status_code == 401
        lead = await client.post(url, json={"lead_ms": 301}, headers=crew.as_("editor"))
        assert lead.status_code == 422 and lead.json()["errors"][0]["field"] == "lead_ms"
        borrow = await client.post(url, json={"borrow": "lots"}, headers=crew.as_("editor"))
        assert borrow.status_code == 400
        engine = await client.post(url, json={"voice": {"engine": "nope", "name": "x"}}, headers=crew.as_("editor"))
        assert engine.status_code == 422 and engine.json()["code"] == "unknown_voice"

        long_line = "A very long line that no voice could say in half a second, however fast it spoke. " * 2
        packed = await new_track(
            client,
            crew.project["id"],
            crew.owner,
            [{"start_ms": 0, "end_ms": 500, "text": long_line}, {"start_ms": 600, "end_ms": 2000, "text": "Hi."}],
        )
        tight = await client.post(
            f"/api/v1/tracks/{packed['id']}/fit-check",
            json={"borrow": 0, "overflow": "truncate"},
            headers=crew.as_("owner"),
        )
        first, second = tight.json()["data"]["cues"]
        assert first["action"] == "truncated" and first["overflow_ms"] > 0 and first["why"] == "capped"
        assert second["why"] == "smoothed"  # the same voice just before at 1.6x: within 0.15 of it
        assert second["speed"] >= first["speed"] - 0.15 - 0.01
