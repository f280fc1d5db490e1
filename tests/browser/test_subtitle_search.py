"""Importing subtitles from OpenSubtitles in the studio (Chromium), against a `subdub run` configured with the
fake OpenSubtitles server that replays the recorded payloads: search, import, the new track listed."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import serve_studio
from tests.browser.studio import Api, sign_in
from tests.fakes.provider_fixtures import opensubtitles_env
from tests.fakes.provider_servers import FakeOpenSubtitles

pytestmark = [pytest.mark.slow, pytest.mark.db]


def in_own_loop(step: Any) -> None:
    """Playwright's sync API may hold this thread's event loop: the fake server's steps run on another thread."""
    worker = threading.Thread(target=lambda: asyncio.run(step()))
    worker.start()
    worker.join()


@pytest.fixture(scope="module")
def with_opensubtitles(chromium_path: str, postgres_admin_url: str) -> Iterator[tuple[str, FakeOpenSubtitles]]:
    fake = FakeOpenSubtitles()
    in_own_loop(fake.server.start)
    try:
        with serve_studio(postgres_admin_url, "studio_os", **opensubtitles_env(fake)) as base:
            yield base, fake
    finally:
        in_own_loop(fake.server.stop)


def test_subtitles_found_on_opensubtitles_are_imported_as_a_track(
    with_opensubtitles: tuple[str, FakeOpenSubtitles], page: Any
) -> None:
    base, fake = with_opensubtitles
    with Api(base) as api:
        email = api.account()
        project = api.http.post("/api/v1/projects", json={"title": "Found film"}, headers=api.headers).json()["data"]
        sign_in(page, base, email, path=f"/#/projects/{project['id']}")
        page.get_by_role("heading", name="Found film", level=1).wait_for()

        panel = page.locator("#subtitle-search")
        panel.wait_for()  # shown: the server has the provider
        panel.get_by_label("Film or episode title").fill("The Fake Film")
        panel.get_by_role("button", name="Search").click()
        hits = panel.locator("#search-results li")
        hits.first.wait_for()
        assert hits.count() == len(fake.file_ids())
        hits.first.get_by_role("button", name="Import").click()
        panel.locator("#search-state").get_by_text("Imported").wait_for(timeout=120_000)

        listed = page.locator("#tracks li")
        assert listed.count() == 1
        tracks = api.get(f"/api/v1/projects/{project['id']}/tracks").json()["data"]
        cues = api.cues(tracks[0]["id"])
        assert [c["text"] for c in cues] == ["Hello there.", "General Kenobi."]
        listed.get_by_role("link").click()
        page.locator("main[data-ready=cues]").wait_for()
        assert "General Kenobi." in page.locator("#cue-table").inner_text()
