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


def _voice(name: str) -> dict[str, str]:
    return {"engine": "espeak", "name": name}


async def test_the_fit_check_and_the_preview_choose_each_voice_through_the_projects_cast(
    clean_database: str, tmp_path: Path
) -> None:
    """The cue's own voice, else its speaker's in the cast, else the cast's default for the track's
    language, else the voice asked for; the preview synthesizes with the same voices (its clips are then
    the ones the fit check finds in the clip cache)."""
    async with api_client(clean_database, tmp_path) as client:
        crew = await team(client)
        lines = [
            {"start_ms": 0, "end_ms": 1500, "text": "Where were you?", "speaker": "Alice"},
            {"start_ms": 2000, "end_ms": 3500, "text": "At the station.", "speaker": "Bob"},
        ]
        track = await new_track(client, crew.project["id"], crew.owner, lines)
        own = {"start_ms": 4000, "end_ms": 5500, "text": "Alone?", "speaker": "Alice", "voice": _voice("de")}
        made = await client.post(f"/api/v1/tracks/{track['id']}/cues", json=own, headers=crew.as_("editor"))
        assert made.status_code == 201, made.text
        url = f"/api/v1/tracks/{track['id']}/fit-check"
        asked = {"voice": _voice("fr-fr")}

        async def voices() -> list[tuple[str, bool]]:
            answer = await client.post(url, json=asked, headers=crew.as_("viewer"))
            assert answer.status_code == 200, answer.text
            return [(cue["voice"], cue["measured"]) for cue in answer.json()["data"]["cues"]]

        assert await voices() == [("espeak:fr-fr", False), ("espeak:fr-fr", False), ("espeak:de", False)]
        cast_url = f"/api/v1/projects/{crew.project['id']}/cast"
        cast = {"speakers": {"Alice": _voice("en-gb")}, "defaults": {}}
        assert (await client.put(cast_url, json=cast, headers=crew.as_("editor"))).status_code == 200
        assert [voice for voice, _ in await voices()] == ["espeak:en-gb", "espeak:fr-fr", "espeak:de"]
        cast["defaults"] = {"en": _voice("es")}
        saved = await client.put(cast_url, json=cast, headers=crew.as_("editor") | {"If-Match": '"v1"'})
        assert saved.status_code == 200, saved.text
        assert await voices() == [("espeak:en-gb", False), ("espeak:es", False), ("espeak:de", False)]

        page = await client.get(f"/api/v1/tracks/{track['id']}/cues", headers=crew.as_("owner"))
        middle = page.json()["data"][1]["id"]
        preview = f"/api/v1/tracks/{track['id']}/cues/{middle}/preview"
        heard = await client.post(preview, json=asked, headers=crew.as_("editor"))
        assert heard.status_code == 200, heard.text
        assert await voices() == [("espeak:en-gb", True), ("espeak:es", True), ("espeak:de", True)]
