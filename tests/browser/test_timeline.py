"""The timeline view in Chromium: one lane per speaker, operated from the keyboard, a cue chosen on it selected
in the table, usable 360 px wide."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.studio import Api, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.db]
LINES = ["ADA: First words.", "BOB: An answer.", "ADA: A reply to it.", "BOB: The last word."]


def open_timeline(page: Any, base: str) -> tuple[Any, str]:
    with Api(base) as api:
        email = api.account()
        track = api.track(LINES, title="Timeline film")
    sign_in(page, base, email, path=f"/#/tracks/{track['id']}")
    page.locator("main[data-complete=cues]").wait_for()
    return page.locator("#timeline"), track["id"]


def focused_cue(page: Any) -> dict[str, str]:
    return dict(
        page.evaluate(
            """() => { const el = document.activeElement;
                return { tag: el.tagName, id: el.dataset.id || '', label: el.getAttribute('aria-label') || '' }; }"""
        )
    )


def test_the_timeline_is_operated_from_the_keyboard_and_selects_the_cue_in_the_table(
    studio_url: str, page: Any
) -> None:
    timeline, _ = open_timeline(page, studio_url)
    lanes = timeline.locator(".lane")
    assert lanes.count() == 2
    assert lanes.nth(0).get_attribute("aria-label") == "Speaker: ADA"
    assert lanes.nth(0).locator("button").count() == 2 and lanes.nth(1).locator("button").count() == 2

    timeline.get_by_role("button", name="Zoom in").focus()
    page.keyboard.press("Tab")  # one tab stop for all the cues: the first
    assert focused_cue(page)["label"].startswith("Cue 1, ADA")
    page.keyboard.press("ArrowRight")
    assert focused_cue(page)["label"].startswith("Cue 2, BOB")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")  # from cue 3 (ADA) to BOB's nearest cue
    assert focused_cue(page)["label"].startswith("Cue 4, BOB") or focused_cue(page)["label"].startswith("Cue 2, BOB")
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    chosen = focused_cue(page)
    assert chosen["label"].startswith("Cue 3, ADA")
    page.keyboard.press("Enter")
    selected = focused_cue(page)
    assert selected["tag"] == "TR" and selected["id"] == chosen["id"]  # the table's row has the focus
    assert "A reply to it." in selected["label"]
    page.keyboard.press("Shift+Tab")  # the roving stop now is cue 3's block
    page.keyboard.press("Shift+Tab")
    while focused_cue(page)["tag"] != "BUTTON" or not focused_cue(page)["id"]:
        page.keyboard.press("Shift+Tab")
    assert focused_cue(page)["id"] == chosen["id"]

    before = timeline.locator("button[data-id]").first.bounding_box()["width"]
    timeline.get_by_role("button", name="Zoom in").click()
    assert timeline.locator("button[data-id]").first.bounding_box()["width"] > before


def test_the_timeline_is_usable_360_px_wide(studio_url: str, page: Any) -> None:
    page.set_viewport_size({"width": 360, "height": 800})
    timeline, _ = open_timeline(page, studio_url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # the page itself never scrolls sideways
    box = timeline.locator(".timeline-scroll").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    last = timeline.locator("button[data-id]").last
    last.scroll_into_view_if_needed()
    last.click()
    row = page.locator("#cue-table tbody tr[data-id]").nth(3)
    assert page.evaluate("document.activeElement.dataset.id") == row.get_attribute("data-id")
    assert row.is_visible()
