"""The studio's project and track panels in Chromium: the cast heard in a render, the fit check's colours,
the lexicon saved."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.studio import Api, open_track, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.db]


def open_project(page: Any, base: str, email: str, project_id: str, title: str) -> None:
    sign_in(page, base, email, path=f"/#/projects/{project_id}")
    page.get_by_role("heading", name=title, level=1).wait_for()


def fit_cell(page: Any, row: int) -> Any:
    return page.locator("#cue-table tbody tr[data-id]").nth(row).locator("td.fit")


def test_a_speakers_voice_set_in_the_cast_panel_is_the_one_the_render_report_shows(studio_url: str, page: Any) -> None:
    with Api(studio_url) as api:
        email = api.account()
        track = api.track(["ADA: Hello there.", "BOB: Hello to you.", "ADA: Goodbye."], title="Cast film")
        open_project(page, studio_url, email, track["project_id"], "Cast film")

        cast = page.locator("#cast")
        cast.locator("#cast-new-speaker").fill("ADA")
        cast.locator("#cast-new-voice").select_option("espeak:en-gb")
        cast.get_by_role("button", name="Set voice").click()
        cast.get_by_label("Speaker ADA").wait_for()
        assert cast.get_by_label("Speaker ADA").input_value() == "espeak:en-gb"
        stored = api.get(f"/api/v1/projects/{track['project_id']}/cast").json()["data"]
        assert stored["speakers"]["ADA"] == {"engine": "espeak", "name": "en-gb"}

        open_track(page, studio_url, track["id"])
        page.locator("#render-voice").select_option("espeak:en-us")
        page.get_by_role("button", name="Render", exact=True).click()
        page.locator("#render-state").get_by_text("Render succeeded: 100 %").wait_for(timeout=120_000)
        # The report of the render colours every row and names the voice that spoke it.
        page.locator("#cue-table td.fit[data-fit=fits], #cue-table td.fit[data-fit=sped]").nth(2).wait_for()
        assert "voice espeak:en-gb" in fit_cell(page, 0).inner_text()
        assert "voice espeak:en-us" in fit_cell(page, 1).inner_text()
        assert "voice espeak:en-gb" in fit_cell(page, 2).inner_text()
        assert "used in the render" in fit_cell(page, 0).inner_text()


def test_the_fit_check_colours_each_cue_and_the_filter_keeps_the_problem_ones(studio_url: str, page: Any) -> None:
    lines = [
        "Hi.",
        "This far too long sentence has to be spoken in well under half a second, which no voice can do.",
        "Bye.",
    ]
    with Api(studio_url) as api:
        email = api.account()
        track = api.track(lines, title="Fit film")
        cues = api.cues(track["id"])
        api.patch_cue(track["id"], cues[2], start_ms=3900)  # the long sentence gets 400 ms and no gap to borrow
        api.patch_cue(track["id"], cues[1], end_ms=3900)
        sign_in(page, studio_url, email)
        page.get_by_role("heading", name="Projects", level=1).wait_for()
        open_track(page, studio_url, track["id"])
        assert fit_cell(page, 1).get_attribute("data-fit") == "unknown"

        page.get_by_role("button", name="Check fit").click()
        page.locator("#cue-table td.fit:not([data-fit=unknown])").nth(2).wait_for()
        overflowing = fit_cell(page, 1).inner_text()
        assert "⚠ overflows" in overflowing and "predicted" in overflowing  # words and a symbol, not colour alone
        labels = {"fits": "✓ fits", "sped": "» sped up ×"}  # the planner may speed a whole track up a little
        short = fit_cell(page, 0).get_attribute("data-fit")
        assert short in labels and labels[short] in fit_cell(page, 0).inner_text()
        colours = [fit_cell(page, row).evaluate("el => getComputedStyle(el).color") for row in (0, 1)]
        assert colours[0] != colours[1]

        page.get_by_label("only cues that are sped up or overflow").check()
        visible = page.locator("#cue-table tbody tr[data-id]:visible")
        assert page.locator("#cue-table tbody tr[data-id]").nth(1).is_visible()
        assert all(row.get_attribute("data-fit") in ("sped", "overflows") for row in visible.locator("td.fit").all())
        assert page.locator("#cue-table tbody tr[data-id]").first.is_visible() == (short == "sped")
        page.get_by_label("only cues that are sped up or overflow").uncheck()
        assert page.locator("#cue-table tbody tr[data-id]:visible").count() == 3


def test_a_lexicon_edit_is_saved_and_a_stale_one_is_not(studio_url: str, page: Any) -> None:
    with Api(studio_url) as api:
        email = api.account()
        track = api.track(["Nguyen lives in Leicester."], title="Lexicon film")
        project_id = track["project_id"]
        open_project(page, studio_url, email, project_id, "Lexicon film")

        lexicon = page.locator("#lexicon")
        lexicon.get_by_text("No word yet").wait_for()
        assert page.locator("#subtitle-search").is_hidden()  # OpenSubtitles is not configured on this server
        lexicon.get_by_role("button", name="Add a word").click()
        lexicon.get_by_label("Word 1", exact=True).fill("Leicester")
        lexicon.get_by_label("Say it as").fill("Lester")
        lexicon.get_by_role("button", name="Save lexicon").click()
        page.locator("#status").get_by_text("Lexicon saved: 1 word(s)").wait_for()
        answer = api.get(f"/api/v1/projects/{project_id}/lexicon")
        assert answer.json()["data"]["entries"] == [
            {"match": "Leicester", "replace": "Lester", "kind": "text", "case_sensitive": False, "whole_word": True}
        ]

        body = {"entries": [{"match": "Nguyen", "replace": "wɪn", "kind": "ipa"}]}
        changed = api.http.put(
            f"/api/v1/projects/{project_id}/lexicon",
            json=body,
            headers={**api.headers, "If-Match": answer.headers["ETag"]},
        )
        assert changed.status_code == 200
        lexicon.get_by_label("Say it as").fill("Lestuh")
        lexicon.get_by_role("button", name="Save lexicon").click()
        lexicon.get_by_text("nothing was overwritten").wait_for()
        assert lexicon.get_by_label("Word 1", exact=True).input_value() == "Nguyen"  # the server's lexicon, reloaded
        entries = api.get(f"/api/v1/projects/{project_id}/lexicon").json()["data"]["entries"]
        assert [e["replace"] for e in entries] == ["wɪn"]
