"""Keyboard-only use of the cue table, an axe-core scan of every screen at 1280 and 360 px, no overflow at 360 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.studio import PASSWORD, Api, open_track

pytestmark = [pytest.mark.slow, pytest.mark.db]
LINES = [f"Line number {n}." for n in range(1, 8)]


def active(page: Any) -> dict[str, Any]:
    return dict(
        page.evaluate(
            """() => { const el = document.activeElement; const row = el.closest('tr[data-id]');
                return { tag: el.tagName, id: el.id, index: row ? Number(row.dataset.index) : null }; }"""
        )
    )


def axe_violations(page: Any) -> list[str]:
    """axe-core (shipped inside the axe-playwright-python wheel) injected by the test, never served by the app."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_the_cue_table_works_from_the_keyboard_alone(studio_url: str, page: Any) -> None:
    with Api(studio_url) as api:
        email = api.account()
        track = api.track(LINES)
    page.goto(f"{studio_url}/")
    page.locator("#signin-email").wait_for()
    assert active(page)["tag"] == "H1"  # each screen starts on its heading
    page.keyboard.press("Tab")
    assert active(page)["id"] == "signin-email"
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert active(page)["id"] == "signin-password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Projects", level=1).wait_for()
    open_track(page, studio_url, track["id"])

    # From the heading, Tab reaches the table in one stop (the rows are one roving tab stop).
    for _ in range(6):
        page.keyboard.press("Tab")
        if active(page)["index"] is not None:
            break
    assert active(page) == {"tag": "TR", "id": "", "index": 0}
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert active(page)["index"] == 2
    page.keyboard.press("End")
    assert active(page)["index"] == len(LINES) - 1
    page.keyboard.press("Home")
    assert active(page)["index"] == 0
    page.keyboard.press("ArrowUp")
    assert active(page)["index"] == 0
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.locator("#edit-text").wait_for()
    assert active(page)["id"] == "edit-text"
    page.keyboard.press("Escape")
    assert active(page)["index"] == 1  # focus returns to the row that was edited
    page.keyboard.press("Enter")
    page.locator("#edit-text").wait_for()
    page.keyboard.press("Control+A")
    page.keyboard.type("Typed without a mouse.")
    page.keyboard.press("Shift+Tab")  # leave the textarea, then submit the form from its Save button
    page.locator("#edit-text").press("Tab")
    while active(page)["tag"] != "BUTTON":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator("#cue-table").get_by_text("Typed without a mouse.").wait_for()
    assert active(page)["index"] == 1
    # Tab from the table leaves it (one stop), landing on the render form.
    page.keyboard.press("Tab")
    assert active(page)["index"] is None


def test_no_serious_accessibility_violation_on_any_screen(studio_url: str, page: Any, screenshots: Path) -> None:
    with Api(studio_url) as api:
        email = api.account()
        track = api.track(LINES)
    screens: dict[str, list[str]] = {}
    page.goto(f"{studio_url}/")
    page.locator("#signin-email").wait_for()
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        screens[f"sign-in@{width}"] = axe_violations(page)
    page.locator("#signin-email").fill(email)
    page.locator("#signin-password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{studio_url}/#/")
        page.get_by_role("heading", name="Projects", level=1).wait_for()
        screens[f"projects@{width}"] = axe_violations(page)
        page.goto(f"{studio_url}/#/projects/{track['project_id']}")
        page.locator("#tracks").wait_for()
        screens[f"project@{width}"] = axe_violations(page)
        open_track(page, studio_url, track["id"])
        page.locator("#render-voice option").first.wait_for(state="attached")
        screens[f"track@{width}"] = axe_violations(page)
        page.locator("#cue-table tbody tr[data-id]").first.get_by_role("button", name="Edit").click()
        page.locator("#edit-text").wait_for()
        screens[f"cue editor@{width}"] = axe_violations(page)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow} px at {width} px"
        page.screenshot(path=str(screenshots / f"studio-editor-{width}.png"), full_page=True)
    assert {name: found for name, found in screens.items() if found} == {}
