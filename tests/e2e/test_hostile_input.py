"""Malformed and hostile requests get a 4xx problem naming what is wrong, never a 500, and store nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tests.support.app import api_client, build_test_app
from tests.support.identity import PASSWORD, bearer, login, register, signed_in
from tests.support.server import serving

pytestmark = pytest.mark.db
SRT = b"1\n00:00:01,000 --> 00:00:02,000\nhi\n"


async def _track(client: Any, headers: dict[str, str]) -> tuple[str, str]:
    project = (await client.post("/api/v1/projects", json={"title": "P"}, headers=headers)).json()["data"]
    body = {"language": "en", "label": "a", "cues": [{"start_ms": 0, "end_ms": 1000, "text": "hi"}]}
    track = (await client.post(f"/api/v1/projects/{project['id']}/tracks", json=body, headers=headers)).json()["data"]
    return project["id"], track["id"]


def _problem(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    if code is not None:
        assert problem["code"] == code, problem
    return problem


# covers: S-API-3, S-SEC-1
async def test_bodies_a_json_parser_cannot_hold_are_400(clean_database: str, tmp_path: Path) -> None:
    json_type = {"content-type": "application/json"}
    async with api_client(clean_database, tmp_path) as client:
        invalid_utf8 = await client.post("/api/v1/auth/register", content=b'{"email":"\xff\xfe"}', headers=json_type)
        deep = await client.post("/api/v1/auth/login", content=b"[" * 1000 + b"]" * 1000, headers=json_type)
        _, _, headers = await signed_in(client)
        deep_object = await client.post(
            "/api/v1/projects", content=b'{"a":' * 5000 + b"1" + b"}" * 5000, headers={**json_type, **headers}
        )
    _problem(invalid_utf8, 400, "invalid_encoding")
    _problem(deep, 400, "body_too_deep")
    _problem(deep_object, 400, "body_too_deep")


# covers: S-SEC-1, S-DB-7
async def test_control_characters_and_oversized_strings_are_422_naming_the_field(
    clean_database: str, tmp_path: Path
) -> None:
    async with api_client(clean_database, tmp_path) as client:
        _, _, headers = await signed_in(client)
        project_id, track_id = await _track(client, headers)
        cues = f"/api/v1/tracks/{track_id}/cues"
        cases = [
            ("/api/v1/projects", {"title": "a\x00b"}, "title"),
            ("/api/v1/projects", {"title": "bell\x07"}, "title"),
            (f"/api/v1/projects/{project_id}/tracks", {"language": "en", "label": "x\x00"}, "label"),
            (cues, {"start_ms": 0, "end_ms": 10, "text": "a\x00b"}, "text"),
            (cues, {"start_ms": 0, "end_ms": 10, "text": "ok", "voice": {"engine": "espeak", "name": "a\x00"}}, None),
            (
                cues,
                {"start_ms": 0, "end_ms": 10, "text": "ok", "voice": {"engine": "espeak", "name": "v" * 900_000}},
                None,
            ),
        ]
        answers = [await client.post(url, json=body, headers=headers) for url, body, _ in cases]
        multiline = await client.post(
            cues, json={"start_ms": 0, "end_ms": 10, "text": "two\nlines\tok"}, headers=headers
        )
    for (_, _, field), answer in zip(cases, answers, strict=True):
        problem = _problem(answer, 422)
        assert problem["errors"][0]["field"] == (field or "voice.name"), problem
        assert len(answer.content) < 2000  # the hostile value is not echoed back
    assert multiline.status_code == 201
    with psycopg.connect(clean_database) as conn:
        assert conn.execute("SELECT count(*) FROM projects").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM cues").fetchone() == (2,)


# covers: S-SEC-1
async def test_a_nul_in_an_upload_filename_is_422(clean_database: str, tmp_path: Path) -> None:
    boundary = "x-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="language"\r\n\r\nen\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a\x00b.srt"\r\n'
            f"Content-Type: application/x-subrip\r\n\r\n"
        ).encode()
        + SRT
        + f"\r\n--{boundary}--\r\n".encode()
    )
    async with api_client(clean_database, tmp_path) as client:
        _, _, headers = await signed_in(client)
        project_id, _ = await _track(client, headers)
        answer = await client.post(
            f"/api/v1/projects/{project_id}/tracks",
            content=body,
            headers={**headers, "content-type": f"multipart/form-data; boundary={boundary}"},
        )
    assert _problem(answer, 422)["errors"][0]["field"] == "filename"


# covers: S-API-3
async def test_sync_without_a_token_is_401_before_the_idempotency_key_is_asked_for(
    clean_database: str, tmp_path: Path
) -> None:
    async with api_client(clean_database, tmp_path) as client:
        _, _, headers = await signed_in(client)
        _, track_id = await _track(client, headers)
        anonymous = await client.post(f"/api/v1/tracks/{track_id}/sync", json={"changes": []})
        bad_token = await client.post(
            f"/api/v1/tracks/{track_id}/sync", json={"changes": []}, headers={"Authorization": "Bearer nope"}
        )
        signed_in_without_key = await client.post(
            f"/api/v1/tracks/{track_id}/sync", json={"changes": []}, headers=headers
        )
    _problem(anonymous, 401)
    _problem(bad_token, 401)
    _problem(signed_in_without_key, 400, "idempotency_key_required")


# covers: S-API-6, S-SEC-2
async def test_idempotent_replays_count_against_the_rate_limit(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path, SUBDUB_RATE_LIMIT_PER_MINUTE="5") as client:
        user = await register(client)
        headers = {**bearer(await login(client, user["email"])), "Idempotency-Key": "same-project"}
        codes = [
            (await client.post("/api/v1/projects", json={"title": "P"}, headers=headers)).status_code for _ in range(8)
        ]
    assert codes[0] == 201 and codes[1:5] == [201] * 4  # the first, then four replays
    assert codes[5:] == [429] * 3


# covers: S-API-6
def test_a_replay_right_after_the_answer_gets_the_stored_answer(clean_database: str, tmp_path: Path) -> None:
    app, _ = build_test_app(clean_database, tmp_path)
    with serving(app) as base_url, httpx.Client(base_url=base_url, timeout=30) as http:
        email = f"replay-{tmp_path.name[-8:]}@example.com"
        http.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD, "display_name": "R"})
        token = http.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD}).json()["data"]
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        for i in range(15):
            keyed = {**headers, "Idempotency-Key": f"k-{i}"}
            first = http.post("/api/v1/projects", json={"title": f"P{i}"}, headers=keyed)
            again = http.post("/api/v1/projects", json={"title": f"P{i}"}, headers=keyed)
            assert first.status_code == 201, first.text
            assert again.status_code == 201, again.text
            assert again.headers["idempotent-replayed"] == "true"
            assert again.json()["data"]["id"] == first.json()["data"]["id"]


# covers: S-API-4, S-API-7
async def test_options_lists_every_method_and_a_malformed_if_match_is_400(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        _, _, headers = await signed_in(client)
        project_id, _ = await _track(client, headers)
        options = await client.options("/api/v1/projects")
        one = await client.options(f"/api/v1/projects/{project_id}")
        empty = await client.patch(
            f"/api/v1/projects/{project_id}", json={"title": ""}, headers={**headers, "If-Match": ""}
        )
        garbage = await client.patch(
            f"/api/v1/projects/{project_id}", json={"title": "T"}, headers={**headers, "If-Match": "v1"}
        )
        stale = await client.patch(
            f"/api/v1/projects/{project_id}", json={"title": "T"}, headers={**headers, "If-Match": '"v99"'}
        )
    assert options.headers["allow"] == "GET, OPTIONS, POST"
    assert one.headers["allow"] == "DELETE, GET, OPTIONS, PATCH"
    _problem(empty, 400)
    _problem(garbage, 400)
    _problem(stale, 412)


def _srt(count: int) -> bytes:
    def stamp(ms: int) -> str:
        return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"

    return "".join(
        f"{i + 1}\n{stamp(i * 4000)} --> {stamp(i * 4000 + 2000)}\nline {i}\n\n" for i in range(count)
    ).encode()


# covers: S-API-9
async def test_an_upload_beyond_the_render_limit_is_413(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        _, _, headers = await signed_in(client)
        project_id, _ = await _track(client, headers)
        answer = await client.post(
            f"/api/v1/projects/{project_id}/tracks",
            data={"language": "en"},
            files={"file": ("huge.srt", _srt(20_001), "application/x-subrip")},
            headers=headers,
        )
    _problem(answer, 413, "too_many_cues")
    with psycopg.connect(clean_database) as conn:
        assert conn.execute("SELECT count(*) FROM tracks").fetchone() == (1,)
