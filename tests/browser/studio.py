"""Shared steps of the browser tests: accounts and data made through the page or straight through the API."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

PASSWORD = "correct horse battery staple"


def srt(lines: list[str], *, start_ms: int = 500, step_ms: int = 3000, length_ms: int = 2000) -> bytes:
    def stamp(ms: int) -> str:
        return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"

    blocks = []
    for index, text in enumerate(lines):
        begin = start_ms + index * step_ms
        blocks.append(f"{index + 1}\n{stamp(begin)} --> {stamp(begin + length_ms)}\n{text}\n")
    return "\n".join(blocks).encode()


def unique_email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@example.com"


def sign_up(page: Any, base: str, *, name: str = "Ada") -> str:
    email = unique_email(name.lower())
    page.goto(f"{base}/")
    page.locator("#signup-display_name").fill(name)
    page.locator("#signup-email").fill(email)
    page.locator("#signup-password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Projects", level=1).wait_for()
    return email


def sign_in(page: Any, base: str, email: str, *, path: str = "/") -> None:
    page.goto(f"{base}{path}")
    page.locator("#signin-email").fill(email)
    page.locator("#signin-password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def open_track(page: Any, base: str, track_id: str) -> None:
    page.goto(f"{base}/#/tracks/{track_id}")
    page.locator("main[data-ready=cues]").wait_for()


class Api:
    """The same public API, called by the test to arrange data or check what the page did."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=30)
        self.headers: dict[str, str] = {}

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def account(self, email: str | None = None, *, register: bool = True) -> str:
        email = email or unique_email("api")
        if register:
            body = {"email": email, "password": PASSWORD, "display_name": "Grace"}
            assert self.http.post("/api/v1/auth/register", json=body).status_code == 201
        login = self.http.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        self.headers = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}
        return email

    def track(self, lines: list[str], *, title: str = "Film", **timing: int) -> dict[str, Any]:
        project = self.http.post("/api/v1/projects", json={"title": title}, headers=self.headers).json()["data"]
        upload = self.http.post(
            f"/api/v1/projects/{project['id']}/tracks",
            data={"language": "en", "label": title},
            files={"file": ("film.srt", srt(lines, **timing), "application/x-subrip")},
            headers=self.headers,
        )
        assert upload.status_code == 201, upload.text
        return dict(upload.json()["data"])

    def cues(self, track_id: str) -> list[dict[str, Any]]:
        answer = self.http.get(f"/api/v1/tracks/{track_id}/cues?limit=200", headers=self.headers)
        return list(answer.json()["data"])

    def patch_cue(self, track_id: str, cue: dict[str, Any], **changes: Any) -> dict[str, Any]:
        answer = self.http.patch(
            f"/api/v1/tracks/{track_id}/cues/{cue['id']}",
            json=changes,
            headers={**self.headers, "If-Match": f'"v{cue["version"]}"'},
        )
        assert answer.status_code == 200, answer.text
        return dict(answer.json()["data"])

    def get(self, path: str) -> httpx.Response:
        return self.http.get(path, headers=self.headers)
