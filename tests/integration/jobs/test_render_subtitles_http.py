"""GET /api/v1/renders/{id}/subtitles in-process with real PostgreSQL (no worker: the render stays queued)."""

from __future__ import annotations

from pathlib import Path

from tests.support.app import api_client
from tests.support.subtitles import team

ESPEAK = {"voice": {"engine": "espeak", "name": "en-us"}, "format": "wav"}


# covers: S-SEC-4, S-API-3
async def test_subtitles_of_a_render_wait_for_it_and_are_hidden_from_outsiders(
    clean_database: str, tmp_path: Path
) -> None:
    async with api_client(clean_database, tmp_path) as client:
        crew = await team(client)
        made = await client.post(f"/api/v1/tracks/{crew.track['id']}/renders", json=ESPEAK, headers=crew.as_("editor"))
        url = f"/api/v1/renders/{made.json()['data']['id']}/subtitles"
        waiting = await client.get(url, params={"format": "vtt"}, headers=crew.as_("viewer"))
        assert waiting.status_code == 409 and waiting.json()["code"] == "render_not_ready"
        assert (await client.get(url, headers=crew.as_("outsider"))).status_code == 404
        assert (await client.get(url, params={"format": "ass"}, headers=crew.as_("viewer"))).status_code == 400
        assert (await client.get(url)).status_code == 401
