"""A project's cast over HTTP: read, replace with If-Match, checked against the enabled voices, audited."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests.support.app import api_client
from tests.support.subtitles import new_track, team

pytestmark = pytest.mark.slow  # the offline engines list their voices (espeak starts its pool)

ALICE = {"engine": "hibari", "name": "heart"}
BOB = {"engine": "espeak", "name": "en-us"}


async def test_the_cast_is_read_replaced_with_if_match_and_audited(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        crew = await team(client)
        url = f"/api/v1/projects/{crew.project['id']}/cast"
        await new_track(
            client,
            crew.project["id"],
            crew.owner,
            [
                {"start_ms": 0, "end_ms": 900, "text": "Hi", "speaker": "Alice"},
                {"start_ms": 1000, "end_ms": 1900, "text": "Hey", "speaker": "Bob"},
            ],
        )

        empty = await client.get(url, headers=crew.as_("viewer"))
        assert empty.status_code == 200 and empty.headers["etag"] == '"v0"'
        assert empty.json()["data"] | {"updated_at": None} == {
            "project_id": crew.project["id"],
            "speakers": {},
            "defaults": {},
            "version": 0,
            "updated_at": None,
            "unused_speakers": [],
        }

        body = {"speakers": {"Alice": ALICE, "Bob": BOB, "Dora": BOB}, "defaults": {"en": ALICE}}
        saved = await client.put(url, json=body, headers=crew.as_("editor"))
        assert saved.status_code == 200, saved.text
        assert saved.headers["etag"] == '"v1"'
        data = saved.json()["data"]
        assert (data["speakers"], data["defaults"], data["version"]) == (body["speakers"], body["defaults"], 1)
        assert data["unused_speakers"] == ["Dora"]  # kept, and reported: no cue names her

        stale = await client.put(url, json={"speakers": {}}, headers=crew.as_("owner") | {"If-Match": '"v0"'})
        assert stale.status_code == 412
        again = await client.put(
            url, json={"speakers": {"Bob": ALICE}}, headers=crew.as_("owner") | {"If-Match": '"v1"'}
        )
        assert again.status_code == 200 and again.headers["etag"] == '"v2"'
        assert (await client.get(url, headers=crew.as_("viewer"))).json()["data"]["speakers"] == {"Bob": ALICE}

        assert (await client.put(url, json=body, headers=crew.as_("viewer"))).status_code == 403
        assert (await client.put(url, json=body, headers=crew.as_("outsider"))).status_code == 404
        assert (await client.get(url, headers=crew.as_("outsider"))).status_code == 404
    with psycopg.connect(clean_database) as conn:
        rows = conn.execute(
            "SELECT changes -> 'speakers', changes ->> 'version' FROM audit_logs WHERE action = 'cast.updated' "
            "ORDER BY at, id"
        ).fetchall()
    assert [r[1] for r in rows] == ["1", "2"]
    assert rows[1][0] == {"Bob": "hibari:heart"}


@pytest.mark.parametrize(
    ("body", "code", "field", "words"),
    [
        (
            {"speakers": {"Alice": {"engine": "espeak", "name": "xx-nobody"}}},
            "unknown_voice",
            "speakers.Alice",
            "unknown voice espeak:xx-nobody",
        ),
        (
            {"speakers": {"Bob": {"engine": "google", "name": "en-US-X"}}},
            "unknown_voice",
            "speakers.Bob",
            "not enabled",
        ),
        ({"defaults": {"fr": ALICE}}, "language_unsupported", "defaults.fr", "en-US"),
        ({"defaults": {"not a language": BOB}}, "invalid_value", "defaults.not a language", "language tag"),
    ],
)
async def test_a_bad_cast_is_refused_naming_the_speaker_or_language(
    clean_database: str, tmp_path: Path, body: dict[str, object], code: str, field: str, words: str
) -> None:
    async with api_client(clean_database, tmp_path) as client:
        crew = await team(client)
        url = f"/api/v1/projects/{crew.project['id']}/cast"
        refused = await client.put(url, json=body, headers=crew.as_("editor"))
        assert refused.status_code == 422, refused.text
        problem = refused.json()
        assert problem["code"] == code
        (error,) = problem["errors"]
        assert error["field"] == field and words in error["message"], error
        assert (await client.get(url, headers=crew.as_("editor"))).json()["data"]["version"] == 0  # nothing saved
