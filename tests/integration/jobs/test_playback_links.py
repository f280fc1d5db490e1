"""Playback links of a render in-process: who may get one, and what its token opens (no worker runs here, so
a download that gets past authentication answers 409 `render_not_ready`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.app import api_client
from tests.support.subtitles import team

ESPEAK = {"voice": {"engine": "espeak", "name": "en-us"}, "format": "wav"}


def not_ready(response: Any) -> bool:
    return response.status_code == 409 and response.json()["code"] == "render_not_ready"


# covers: S-SEC-3, S-SEC-4
async def test_a_playback_link_opens_its_renders_downloads_for_members_only(
    clean_database: str, tmp_path: Path
) -> None:
    async with api_client(clean_database, tmp_path) as client:
        crew = await team(client)
        renders = f"/api/v1/tracks/{crew.track['id']}/renders"
        render = (await client.post(renders, json=ESPEAK, headers=crew.as_("editor"))).json()["data"]
        other = (await client.post(renders, json=ESPEAK, headers=crew.as_("editor"))).json()["data"]
        issue = f"/api/v1/renders/{render['id']}/playback-url"

        assert (await client.post(issue)).status_code == 401
        assert (await client.post(issue, headers=crew.as_("outsider"))).status_code == 404
        answer = await client.post(issue, headers=crew.as_("viewer"))
        assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
        links = answer.json()["data"]
        assert links["video_url"] is None and links["original_url"] is None and links["expires_at"]
        token = links["audio_url"].split("?token=", 1)[1]
        assert links["audio_url"] == f"/api/v1/renders/{render['id']}/audio?token={token}"

        assert not_ready(await client.get(links["audio_url"]))  # authenticated and authorised, by the link alone
        assert not_ready(await client.get(links["voice_url"], headers={"Range": "bytes=0-99"}))
        refused = [
            await client.get(f"/api/v1/renders/{other['id']}/audio", params={"token": token}),  # another render
            await client.get(f"/api/v1/renders/{render['id']}", params={"token": token}),  # a route without links
            await client.get(f"/api/v1/renders/{render['id']}/audio", headers={"Authorization": f"Bearer {token}"}),
            await client.get(f"/api/v1/renders/{render['id']}/audio", params={"token": token + "x"}),
        ]
        assert [r.status_code for r in refused] == [401, 401, 401, 401]

        # Every request goes through the project check: a viewer removed from the project loses the link.
        removed = await client.delete(
            f"/api/v1/projects/{crew.project['id']}/members/{crew.viewer.id}", headers=crew.as_("owner")
        )
        assert removed.status_code == 204, removed.text
        assert (await client.get(links["audio_url"])).status_code == 404
