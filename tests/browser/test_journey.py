"""The studio end to end in Chromium: sign up → upload → edit → preview → voice → render → play → download."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.studio import Api, srt, unique_email

pytestmark = [pytest.mark.slow, pytest.mark.db]
LINES = ["ADA: Hello there.", "BOB: This is a test.", "ADA: Speech follows the cues.", "BOB: Goodbye now."]
WIDTHS = (1280, 360)


def shoot(page: Any, folder: Path, name: str) -> None:
    """The screen at both widths (saved for people to look at; not compared)."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def media_duration(page: Any, selector: str) -> float:
    return float(
        page.eval_on_selector(
            selector,
            """el => new Promise((resolve, reject) => {
                if (el.readyState >= 1 && Number.isFinite(el.duration)) return resolve(el.duration);
                el.addEventListener('loadedmetadata', () => resolve(el.duration), { once: true });
                el.addEventListener('error', () => reject(new Error('media error ' + (el.error && el.error.code))));
            })""",
        )
    )


def played_seconds(page: Any, selector: str) -> float:
    return float(
        page.eval_on_selector(
            selector,
            """async el => { el.muted = true; await el.play();
                await new Promise(r => setTimeout(r, 700)); el.pause(); return el.currentTime; }""",
        )
    )


# covers: S-API-7, S-SEC-6, S-JOB-3
def test_sign_up_upload_edit_preview_voice_render_play_download(
    studio_url: str, page: Any, screenshots: Path, tmp_path: Path
) -> None:
    page.goto(f"{studio_url}/")
    page.get_by_role("heading", name="Sign in").wait_for()
    shoot(page, screenshots, "studio-sign-in")
    page.locator("#signup-display_name").fill("Ada")
    email = unique_email("ada")
    page.locator("#signup-email").fill(email)
    page.locator("#signup-password").fill("correct horse battery staple")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Projects", level=1).wait_for()

    page.get_by_label("Title").fill("Short film")
    page.get_by_role("button", name="Create project").click()
    page.get_by_role("heading", name="Short film", level=1).wait_for()
    page.locator("#subtitle-file").set_input_files(
        {"name": "short.srt", "mimeType": "application/x-subrip", "buffer": srt(LINES)}
    )
    page.get_by_label("Label (optional)").fill("English")
    page.get_by_role("button", name="Upload", exact=True).click()
    report = page.locator("section.report")
    report.wait_for()
    summary = report.locator("dl").inner_text().replace("\n", "").replace("\t", "")
    assert "Cues4" in summary
    if "Speakers" in summary:  # the import report of the server names the speakers it found
        assert "ADA (2)" in summary and "BOB (2)" in summary
    assert page.locator("#tracks li").count() == 1  # the new track is listed at once
    shoot(page, screenshots, "studio-project")
    page.get_by_role("link", name="Open the cue table").click()
    page.locator("main[data-ready=cues]").wait_for()
    rows = page.locator("#cue-table tbody tr[data-id]")
    assert rows.count() == 4

    with Api(studio_url) as api:
        api.account(email, register=False)
        track_id = page.url.rsplit("/", 1)[-1]

        # Edit cue 2 from the keyboard: the change is on the server, under If-Match.
        rows.first.focus()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        page.locator("#edit-text").fill("This is an edited line.")
        page.locator("#edit-voice").select_option("espeak:en-gb")
        page.get_by_role("button", name="Save").click()
        page.locator("#cue-table").get_by_text("This is an edited line.").wait_for()
        if page.locator("#cue-table thead th", has_text="Speaker").count():
            assert "BOB" in page.locator("#cue-table tbody tr[data-id]").nth(1).inner_text()
        edited = api.cues(track_id)[1]
        assert edited["text"] == "This is an edited line." and edited["voice"] == {"engine": "espeak", "name": "en-gb"}

        preview_buttons = page.locator("button[data-action=preview]")
        if preview_buttons.count():  # the preview route is offered: hear cue 2 with its neighbours
            page.locator("#cue-table tbody tr[data-id]").nth(1).focus()
            page.keyboard.press("p")
            assert media_duration(page, "#preview-player") > 0.5

        page.locator("#render-voice").select_option("espeak:en-us")
        page.get_by_role("button", name="Render", exact=True).click()
        page.locator("#render-state").get_by_text("Render succeeded: 100 %").wait_for(timeout=120_000)
        assert page.locator("#render-progress").evaluate("el => el.value") == 100
        renders = api.get(f"/api/v1/tracks/{track_id}/renders").json()["data"]
        render = renders[0]
        assert render["status"] == "succeeded" and render["stats"]["cues"] == 4

        page.locator("#render-player").wait_for()
        assert abs(media_duration(page, "#render-player") - render["duration_ms"] / 1000) < 0.05
        assert played_seconds(page, "#render-player") > 0  # the clock moves: the audio plays
        shoot(page, screenshots, "studio-track")

        with page.expect_download() as download:
            page.locator("#render-download").click()
        saved = tmp_path / "download.wav"
        download.value.save_as(saved)
        assert download.value.suggested_filename == f"render-{render['id']}.wav"
        assert saved.read_bytes() == api.get(f"/api/v1/renders/{render['id']}/audio").content
