"""Editing cues in the studio: the offline queue pushed through sync, and a stale edit shown as a conflict."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.browser.studio import Api, open_track, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.db]
LINES = ["One line.", "Two lines.", "Three lines."]


def wait_until(condition: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition never held")
        time.sleep(0.2)


@contextmanager
def on_a_new_track(page: Any, base: str) -> Iterator[tuple[Api, dict[str, Any]]]:
    """A new account with a three-cue track, signed in on the page with that track's cue table open."""
    with Api(base) as api:
        email = api.account()
        track = api.track(LINES)
        sign_in(page, base, email)
        page.get_by_role("heading", name="Projects", level=1).wait_for()
        open_track(page, base, track["id"])
        yield api, track


def edit_offline(context: Any, page: Any, row: int, text: str) -> None:
    context.set_offline(True)
    edit_text(page, row, text)
    page.locator("#queue-state").get_by_text("1 edit(s) waiting for the server").wait_for()


def edit_text(page: Any, row: int, text: str) -> None:
    page.locator("#cue-table tbody tr[data-id]").nth(row).get_by_role("button", name="Edit").click()
    page.locator("#edit-text").fill(text)
    page.get_by_role("button", name="Save").click()


# covers: S-SYNC-1, S-SYNC-2
def test_edits_made_offline_reach_the_server_when_it_returns(studio_url: str, context: Any, page: Any) -> None:
    with on_a_new_track(page, studio_url) as (api, track):
        edit_offline(context, page, 0, "Written on a train.")
        row = page.locator("#cue-table tbody tr[data-id]").first
        assert "queued offline" in row.inner_text() and "Written on a train." in row.inner_text()
        assert api.cues(track["id"])[0]["text"] == "One line."  # nothing reached the server
        stored = page.evaluate(f"() => localStorage.getItem('subdub.queue.{track['id']}')")
        assert "Written on a train." in stored

        context.set_offline(False)
        wait_until(lambda: api.cues(track["id"])[0]["text"] == "Written on a train.")
        page.locator("#queue-state").get_by_text("waiting for the server").wait_for(state="detached")
        assert page.evaluate(f"() => localStorage.getItem('subdub.queue.{track['id']}')") is None
        assert "queued offline" not in page.locator("#cue-table tbody tr[data-id]").first.inner_text()


# covers: S-SYNC-3
def test_an_offline_edit_that_lost_to_a_newer_one_is_shown_as_a_conflict(
    studio_url: str, context: Any, page: Any
) -> None:
    with on_a_new_track(page, studio_url) as (api, track):
        edit_offline(context, page, 1, "Mine, from offline.")
        time.sleep(0.05)
        api.patch_cue(track["id"], api.cues(track["id"])[1], text="A colleague's newer line.")
        context.set_offline(False)

        conflict = page.locator("#conflicts li.conflict")
        conflict.wait_for(timeout=30_000)
        assert "A colleague's newer line." in conflict.inner_text() and "Mine, from offline." in conflict.inner_text()
        assert api.cues(track["id"])[1]["text"] == "A colleague's newer line."
        conflict.get_by_role("button", name="Keep mine").click()
        conflict.wait_for(state="detached")
        assert api.cues(track["id"])[1]["text"] == "Mine, from offline."


# covers: S-API-7
def test_a_stale_edit_is_never_saved_over_a_newer_one(studio_url: str, page: Any) -> None:
    with on_a_new_track(page, studio_url) as (api, track):
        api.patch_cue(track["id"], api.cues(track["id"])[2], text="Changed behind the page's back.")
        edit_text(page, 2, "My stale edit.")

        conflict = page.locator("#conflicts li.conflict")
        conflict.wait_for()
        assert "Changed behind the page's back." in conflict.inner_text()
        assert "nothing was overwritten" in conflict.inner_text()
        assert api.cues(track["id"])[2]["text"] == "Changed behind the page's back."
        row = page.locator("#cue-table tbody tr[data-id]").nth(2)
        assert "Changed behind the page's back." in row.inner_text()  # the table shows the server's version
        conflict.get_by_role("button", name="Keep the server's").click()
        conflict.wait_for(state="detached")
        assert api.cues(track["id"])[2]["text"] == "Changed behind the page's back."
