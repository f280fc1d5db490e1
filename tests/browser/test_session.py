"""The studio's session and page security: tokens in memory, the refresh token in an HttpOnly cookie, strict CSP."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.browser.studio import sign_up

pytestmark = [pytest.mark.slow, pytest.mark.db]


# covers: S-SEC-6
def test_the_page_and_its_assets_come_with_a_strict_policy(studio_url: str) -> None:
    page = httpx.get(f"{studio_url}/")
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "http" not in policy
    assert "<script>" not in page.text and " style=" not in page.text and " on" not in page.text.split("<body")[1][:1]
    assert page.headers["cache-control"] == "no-cache"
    # Assets live under a folder named by their content's digest: cached for a year, moved by any change.
    app_js = re.search(r'src="(/studio/[0-9a-f]{12}/app\.js)"', page.text)
    assert app_js, page.text
    script = httpx.get(f"{studio_url}{app_js.group(1)}")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "immutable" in script.headers["cache-control"] and "max-age=31536000" in script.headers["cache-control"]
    assert "script-src 'self'" in script.headers["content-security-policy"]
    assert httpx.get(f"{studio_url}/studio/app.js").status_code == 404
    assert httpx.get(f"{studio_url}{app_js.group(1).replace('app.js', '../../../pyproject.toml')}").status_code == 404
    assert "unsafe-inline" in httpx.get(f"{studio_url}/schema").headers["content-security-policy"]


# covers: S-SEC-3, S-SEC-6
def test_tokens_stay_in_memory_and_the_session_survives_a_reload(studio_url: str, context: Any, page: Any) -> None:
    sign_up(page, studio_url)
    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    refresh = cookies["subdub_refresh"]
    assert refresh["httpOnly"] and refresh["secure"] and refresh["sameSite"] == "Strict"
    assert refresh["path"] == "/api/v1/auth"
    page_cookies = page.evaluate("() => document.cookie")
    assert "subdub_csrf=" in page_cookies and "subdub_refresh" not in page_cookies
    stored = page.evaluate("() => JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage})")
    assert "eyJ" not in stored and refresh["value"] not in stored  # no token kept in web storage

    page.reload()
    page.get_by_role("heading", name="Projects", level=1).wait_for()  # a new access token from the cookie

    # An inline script is refused by the policy (in a second tab: the refusal is an expected console error).
    other = context.new_page()
    refusals: list[str] = []
    other.on("console", lambda message: refusals.append(message.text) if message.type == "error" else None)
    other.goto(f"{studio_url}/")
    other.get_by_role("heading", name="Projects", level=1).wait_for()
    other.evaluate(
        """() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';
            document.body.append(s); }"""
    )
    assert other.evaluate("() => window.injected") is None
    assert any("Content Security Policy" in text for text in refusals)
    other.close()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    assert "subdub_refresh" not in {cookie["name"] for cookie in context.cookies()}
    page.reload()
    page.get_by_role("heading", name="Sign in").wait_for()
