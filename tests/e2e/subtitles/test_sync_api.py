"""Offline sync over HTTP: idempotent atomic pushes, last-write-wins, pulls with tombstones, convergence."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

from tests.support.app import api_client
from tests.support.subtitles import Person, add_member, new_project, new_track, person

T0 = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


def at(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


async def push(
    client: AsyncTestClient[Any],
    who: Person,
    track_id: str,
    changes: list[dict[str, Any]],
    *,
    key: str | None = None,
    cursor: str | None = None,
) -> Any:
    body: dict[str, Any] = {"changes": changes}
    if cursor is not None:
        body["cursor"] = cursor
    headers = who.headers | {"Idempotency-Key": key or uuid.uuid4().hex}
    return await client.post(f"/api/v1/tracks/{track_id}/sync", json=body, headers=headers)


async def pull(client: AsyncTestClient[Any], who: Person, track_id: str, cursor: str | None) -> dict[str, Any]:
    query = f"?cursor={cursor}" if cursor else ""
    response = await client.get(f"/api/v1/tracks/{track_id}/changes{query}", headers=who.headers)
    assert response.status_code == 200, response.text
    return dict(response.json()["data"])


async def live_cues(client: AsyncTestClient[Any], who: Person, track_id: str) -> list[tuple[Any, ...]]:
    page = await client.get(f"/api/v1/tracks/{track_id}/cues?limit=200", headers=who.headers)
    return [(c["id"], c["start_ms"], c["end_ms"], c["text"]) for c in page.json()["data"]]


# covers: S-SYNC-1, S-SYNC-2, S-API-6
async def test_a_push_is_idempotent_and_atomic(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner = await person(client)
        track = await new_track(client, (await new_project(client, owner))["id"], owner)
        offline_id = str(uuid.uuid4())
        changes = [{"id": offline_id, "start_ms": 0, "end_ms": 900, "text": "made offline", "updated_at": at(0)}]
        first = await push(client, owner, track["id"], changes, key="push-1")
        assert first.status_code == 200, first.text
        assert first.json()["data"]["applied"] == [offline_id]
        replay = await push(client, owner, track["id"], changes, key="push-1")
        assert replay.status_code == 200
        assert replay.json() == first.json()
        feed = await pull(client, owner, track["id"], None)
        assert [c["id"] for c in feed["changes"]] == [offline_id]  # written once
        other_body = await push(
            client,
            owner,
            track["id"],
            changes + changes[:0] + [{"id": str(uuid.uuid4()), "deleted": True, "updated_at": at(1)}],
            key="push-1",
        )
        assert other_body.status_code == 409
        no_key = await client.post(
            f"/api/v1/tracks/{track['id']}/sync", json={"changes": changes}, headers=owner.headers
        )
        assert no_key.status_code == 400


async def test_invalid_batches_are_refused_whole(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner = await person(client)
        track = await new_track(client, (await new_project(client, owner))["id"], owner)
        good = {"id": str(uuid.uuid4()), "start_ms": 0, "end_ms": 10, "text": "fine", "updated_at": at(0)}
        dup = str(uuid.uuid4())
        bad = [
            good,
            {"id": str(uuid.uuid4()), "start_ms": 10, "end_ms": 5, "text": "backwards", "updated_at": at(0)},
            {"id": str(uuid.uuid4()), "text": "no timing", "updated_at": at(0)},
            {"id": str(uuid.uuid4()), "start_ms": 0, "end_ms": 10, "text": "", "updated_at": at(0)},
            {"id": dup, "deleted": True, "updated_at": at(0)},
            {"id": dup, "deleted": True, "updated_at": at(0)},
            {
                "id": str(uuid.uuid4()),
                "start_ms": 0,
                "end_ms": 10,
                "text": "future",
                "updated_at": "2099-01-01T00:00:00Z",
            },
        ]
        response = await push(client, owner, track["id"], bad)
        assert response.status_code == 422
        fields = {e["field"] for e in response.json()["errors"]}
        assert fields == {
            "changes[1].end_ms",
            "changes[2].id",
            "changes[3].text",
            "changes[5].id",
            "changes[6].updated_at",
        }
        assert (await pull(client, owner, track["id"], None))["changes"] == []  # not even the good one

        naive = await push(client, owner, track["id"], [{**good, "updated_at": "2026-01-01T00:00:00"}])
        assert naive.status_code == 422
        assert naive.json()["errors"][0]["field"] == "changes[0].updated_at"

        too_many = [{"id": str(uuid.uuid4()), "deleted": True, "updated_at": at(0)} for _ in range(5001)]
        response = await push(client, owner, track["id"], too_many)
        assert response.status_code == 413
        assert response.json()["code"] == "too_many_changes"


# covers: S-SYNC-3
async def test_last_write_wins_and_losers_get_the_server_version(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner = await person(client)
        track = await new_track(client, (await new_project(client, owner))["id"], owner)
        a, b = str(uuid.uuid4()), str(uuid.uuid4())
        await push(
            client,
            owner,
            track["id"],
            [
                {"id": a, "start_ms": 0, "end_ms": 10, "text": "a1", "updated_at": at(10)},
                {"id": b, "start_ms": 20, "end_ms": 30, "text": "b1", "updated_at": at(10)},
            ],
        )
        response = await push(
            client,
            owner,
            track["id"],
            [
                {"id": a, "text": "older", "updated_at": at(5)},
                {"id": b, "text": "newer", "updated_at": at(11)},
            ],
        )
        body = response.json()["data"]
        assert body["applied"] == [b]
        assert [(r["id"], r["reason"], r["server"]["text"]) for r in body["rejected"]] == [(a, "stale", "a1")]
        assert {c[3] for c in await live_cues(client, owner, track["id"])} == {"a1", "newer"}

        deleted = await push(client, owner, track["id"], [{"id": a, "deleted": True, "updated_at": at(10)}])
        assert deleted.json()["data"]["applied"] == [a]  # a tie: the deletion wins
        late_edit = await push(client, owner, track["id"], [{"id": a, "text": "tie", "updated_at": at(10)}])
        assert late_edit.json()["data"]["rejected"] == [{"id": a, "reason": "stale", "server": None}]


# covers: S-SYNC-4
async def test_pull_returns_every_change_with_tombstones(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner = await person(client)
        track = await new_track(client, (await new_project(client, owner))["id"], owner)
        ids = [str(uuid.uuid4()) for _ in range(5)]
        await push(
            client,
            owner,
            track["id"],
            [
                {"id": i, "start_ms": n * 10, "end_ms": n * 10 + 5, "text": f"c{n}", "updated_at": at(0)}
                for n, i in enumerate(ids)
            ],
        )
        first = await pull(client, owner, track["id"], None)
        assert [c["id"] for c in first["changes"]] == ids
        assert all(not c["deleted"] for c in first["changes"])
        await client.delete(f"/api/v1/tracks/{track['id']}/cues/{ids[1]}", headers=owner.headers)
        await client.patch(
            f"/api/v1/tracks/{track['id']}/cues/{ids[3]}", json={"text": "edited"}, headers=owner.headers
        )
        since = await pull(client, owner, track["id"], first["cursor"])
        assert [(c["id"], c["deleted"], c["text"]) for c in since["changes"]] == [
            (ids[1], True, "c1"),
            (ids[3], False, "edited"),
        ]
        assert (await pull(client, owner, track["id"], since["cursor"]))["changes"] == []
        paged = await client.get(f"/api/v1/tracks/{track['id']}/changes?limit=2", headers=owner.headers)
        assert paged.json()["data"]["has_more"] is True
        assert len(paged.json()["data"]["changes"]) == 2


def apply_pulled(replica: dict[str, tuple[Any, ...]], changes: list[dict[str, Any]]) -> None:
    for c in changes:
        if c["deleted"]:
            replica.pop(c["id"], None)
        else:
            replica[c["id"]] = (c["id"], c["start_ms"], c["end_ms"], c["text"])


# covers: S-SYNC-1, S-SYNC-3, S-SYNC-4
async def test_two_offline_clients_converge(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        alice, bob = await person(client), await person(client)
        project = await new_project(client, alice)
        await add_member(client, project["id"], alice, bob, "editor")
        track = await new_track(client, project["id"], alice)
        shared = [str(uuid.uuid4()) for _ in range(4)]
        await push(
            client,
            alice,
            track["id"],
            [
                {"id": i, "start_ms": n * 100, "end_ms": n * 100 + 50, "text": f"orig {n}", "updated_at": at(0)}
                for n, i in enumerate(shared)
            ],
        )
        replicas: dict[str, dict[str, tuple[Any, ...]]] = {"alice": {}, "bob": {}}
        cursors: dict[str, str | None] = {"alice": None, "bob": None}
        people = {"alice": alice, "bob": bob}
        for name in people:
            page = await pull(client, people[name], track["id"], None)
            apply_pulled(replicas[name], page["changes"])
            cursors[name] = page["cursor"]

        # Both go offline and edit the same cues.
        alice_new, bob_new = str(uuid.uuid4()), str(uuid.uuid4())
        offline = {
            "alice": [
                {"id": shared[0], "text": "alice wins (later)", "updated_at": at(20)},
                {"id": shared[1], "text": "alice loses (earlier)", "updated_at": at(10)},
                {"id": shared[2], "deleted": True, "updated_at": at(15)},
                {"id": shared[3], "text": "same instant A", "updated_at": at(30)},
                {"id": alice_new, "start_ms": 900, "end_ms": 950, "text": "new from alice", "updated_at": at(12)},
            ],
            "bob": [
                {"id": shared[0], "text": "bob loses", "updated_at": at(19)},
                {"id": shared[1], "text": "bob wins", "updated_at": at(11)},
                {"id": shared[2], "text": "bob edits a deleted cue earlier", "updated_at": at(14)},
                {"id": shared[3], "text": "same instant B", "updated_at": at(30)},
                {"id": bob_new, "start_ms": 1900, "end_ms": 1950, "text": "new from bob", "updated_at": at(13)},
            ],
        }
        for name in ("alice", "bob"):  # both reconnect: push, pull, push again
            replica = replicas[name]
            for change in offline[name]:
                if change.get("deleted"):
                    replica.pop(change["id"], None)
                else:
                    old = replica.get(change["id"], (change["id"], change.get("start_ms"), change.get("end_ms"), None))
                    replica[change["id"]] = (
                        old[0],
                        change.get("start_ms", old[1]),
                        change.get("end_ms", old[2]),
                        change["text"],
                    )
        for _ in range(2):
            for name in ("bob", "alice"):
                result = await push(client, people[name], track["id"], offline[name], cursor=cursors[name])
                assert result.status_code == 200, result.text
                for lost in result.json()["data"]["rejected"]:  # the server's version replaces the loser
                    server = lost["server"]
                    if server is None:
                        replicas[name].pop(lost["id"], None)
                    else:
                        replicas[name][lost["id"]] = (
                            server["id"],
                            server["start_ms"],
                            server["end_ms"],
                            server["text"],
                        )
                page = await pull(client, people[name], track["id"], result.json()["data"]["cursor"])
                apply_pulled(replicas[name], page["changes"])
                cursors[name] = page["cursor"]

        server = sorted(await live_cues(client, alice, track["id"]))
        assert sorted(replicas["alice"].values()) == sorted(replicas["bob"].values()) == server
        texts = {row[0]: row[3] for row in server}
        assert texts[shared[0]] == "alice wins (later)"
        assert texts[shared[1]] == "bob wins"
        assert shared[2] not in texts
        assert texts[shared[3]] in {"same instant A", "same instant B"}
        assert texts[alice_new] == "new from alice"
        assert texts[bob_new] == "new from bob"
