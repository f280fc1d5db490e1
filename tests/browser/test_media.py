"""Media in the studio (Chromium): a video uploaded from the page, the dub delivered inside it and played in a
video element streamed with byte ranges through a playback link; a running render cancelled from the page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import SERVER_LOGS
from tests.browser.studio import Api, open_track, sign_in
from tests.browser.test_journey import media_duration, played_seconds
from tests.support.media import make_media

pytestmark = [pytest.mark.slow, pytest.mark.db]


# covers: S-SEC-3
def test_an_uploaded_video_gets_its_dub_and_plays_streamed_in_a_video_element(
    studio_url: str, page: Any, tmp_path: Path
) -> None:
    film = make_media(tmp_path / "film.webm", seconds=5.0, video_codec="libvpx", audio_codec="libopus")
    with Api(studio_url) as api:
        email = api.account()
        track = api.track(["Hello there.", "Goodbye now."], title="Media film", step_ms=2000, length_ms=1500)
        sign_in(page, studio_url, email, path=f"/#/projects/{track['project_id']}")
        page.get_by_role("heading", name="Media film", level=1).wait_for()
        page.locator("#media-file").set_input_files(str(film))
        page.get_by_role("button", name="Upload media").click()
        page.locator("#status").get_by_text("Media uploaded").wait_for(timeout=60_000)
        media = api.get(f"/api/v1/projects/{track['project_id']}/media").json()["data"]
        assert [m["kind"] for m in media] == ["video"]

        open_track(page, studio_url, track["id"])
        page.locator(f"#render-media option[value='{media[0]['id']}']").wait_for(state="attached")
        page.locator("#render-media").select_option(media[0]["id"])
        page.locator("#render-format").select_option("webm")
        page.locator("#render-mix").select_option("voiceover")
        ranged: list[tuple[int, str]] = []
        page.on(
            "response",
            lambda r: (
                ranged.append((r.status, r.request.headers.get("range", ""))) if "/video?token=" in r.url else None
            ),
        )
        page.get_by_role("button", name="Render", exact=True).click()
        page.locator("#render-state").get_by_text("Render succeeded: 100 %").wait_for(timeout=120_000)
        render = api.get(f"/api/v1/tracks/{track['id']}/renders").json()["data"][0]
        assert render["format"] == "webm" and render["status"] == "succeeded"

        player = page.locator("video#render-player")
        player.wait_for()
        assert "/video?token=" in (player.get_attribute("src") or "")  # a link, not a blob fetched whole
        assert abs(media_duration(page, "#render-player") - render["duration_ms"] / 1000) < 0.1
        assert played_seconds(page, "#render-player") > 0
        assert any(status == 206 and header.startswith("bytes=") for status, header in ranged), ranged
        token = (player.get_attribute("src") or "").split("?token=", 1)[1]
        assert token not in SERVER_LOGS[studio_url].read_text()  # the link's token is never logged

        # An audio dub over the same video: the original plays in a video element and the dub follows it.
        page.locator("#render-format").select_option("wav")
        page.get_by_role("button", name="Render", exact=True).click()
        page.locator("audio#render-player").wait_for(timeout=120_000)
        original = page.locator("video#original-player")
        assert "/original?token=" in (original.get_attribute("src") or "")
        assert abs(media_duration(page, "#original-player") - 5.0) < 0.1
        times = page.eval_on_selector(
            "#original-player",
            """async video => { const audio = document.getElementById('render-player');
                audio.muted = true; await video.play(); await new Promise(r => setTimeout(r, 1200));
                const seen = [video.currentTime, audio.currentTime, audio.paused];
                video.currentTime = 3; await new Promise(r => video.addEventListener('seeked', r, { once: true }));
                await new Promise(r => setTimeout(r, 300));
                video.pause(); await new Promise(r => setTimeout(r, 100));
                return [...seen, video.currentTime, audio.currentTime, audio.paused]; }""",
        )
        assert times[0] > 0.3 and abs(times[0] - times[1]) < 0.25 and times[2] is False, times  # in step
        assert abs(times[3] - times[4]) < 0.25 and times[5] is True, times  # a seek and a pause are followed


def test_a_running_render_is_cancelled_from_the_page(studio_url: str, page: Any) -> None:
    words = "This sentence is long enough to keep the speech engine busy for a little while, line {}."
    with Api(studio_url) as api:
        email = api.account()
        track = api.track([words.format(i) for i in range(600)], title="Long film")
        sign_in(page, studio_url, email)
        page.get_by_role("heading", name="Projects", level=1).wait_for()
        open_track(page, studio_url, track["id"])
        page.get_by_role("button", name="Render", exact=True).click()
        cancel = page.get_by_role("button", name="Cancel render")
        cancel.wait_for()
        cancel.click()
        page.locator("#render-state").get_by_text("Render cancelled").wait_for(timeout=60_000)
        page.locator("#status").get_by_text("Render cancelled").wait_for()
        render = api.get(f"/api/v1/tracks/{track['id']}/renders").json()["data"][0]
        assert render["status"] == "cancelled" and render["progress"]["done"] < 600
        page.locator("#render-history").get_by_text("cancelled").wait_for()  # the history refreshes after the state
