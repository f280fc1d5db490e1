"""The audit log (S-DB-8): written in the caller's transaction, never holding a secret."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from uuid import UUID

import structlog
from psycopg import AsyncConnection, sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from adapters.postgres.queries import with_columns
from application.actor import Actor
from application.pagination import PageOf, PageRequest, page_from
from application.ports.identity import AuditFilter
from domain.audit import AuditEntry

# Field names that hold secrets (password, password_hash, api_key, access_token…), not counts like `revoked_tokens`.
SECRET_KEYS = re.compile(
    r"(^|_)(pass(word)?|secret|hash|api_?key|credentials?)($|_)|^(access_|refresh_|id_)?token$", re.I
)
COLUMNS = sql.SQL("id, at, actor_id, actor_pseudonym, action, entity, entity_id, entity_pseudonym, changes, trace_id")


def _q(text: str) -> sql.Composed:
    return with_columns(text, COLUMNS)


log = structlog.get_logger(__name__)


def without_secrets(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): without_secrets(v) for k, v in value.items() if not SECRET_KEYS.search(str(k))}
    if isinstance(value, list | tuple):
        return [without_secrets(v) for v in value]
    if isinstance(value, UUID):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def entry_from_row(row: dict[str, Any]) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        at=row["at"],
        actor_id=row["actor_id"],
        actor_pseudonym=row["actor_pseudonym"],
        action=row["action"],
        entity=row["entity"],
        entity_id=row["entity_id"],
        entity_pseudonym=row["entity_pseudonym"],
        changes=row["changes"] or {},
        trace_id=row["trace_id"],
    )


class PostgresAuditLog:
    def __init__(self, conn: AsyncConnection[Any], new_id: Any) -> None:
        self._conn = conn
        self._new_id = new_id

    async def record(
        self,
        actor: Actor | None,
        action: str,
        entity: str,
        entity_id: UUID | None,
        changes: Mapping[str, Any] | None = None,
        *,
        trace_id: str | None = None,
    ) -> None:
        await self._conn.execute(
            "INSERT INTO audit_logs (id, at, actor_id, action, entity, entity_id, changes, trace_id, "
            "created_at, updated_at) VALUES (%(id)s, clock_timestamp(), %(actor)s, %(action)s, %(entity)s, "
            "%(entity_id)s, %(changes)s, %(trace)s, clock_timestamp(), clock_timestamp())",
            {
                "id": self._new_id(),
                "actor": actor.user_id if actor else None,
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "changes": Jsonb(without_secrets(dict(changes or {}))),
                "trace": trace_id or (actor.trace_id if actor else None),
            },
        )
        log.info("audit.recorded", action=action, entity=entity, entity_id=str(entity_id) if entity_id else None)

    async def _many(self, query: sql.Composed, params: dict[str, Any]) -> list[AuditEntry]:
        async with self._conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(query, params)
            rows = await cur.fetchall()
        return [entry_from_row(r) for r in rows]

    async def list_page(self, page: PageRequest[UUID], where: AuditFilter) -> PageOf[AuditEntry]:
        rows = await self._many(
            _q(
                "SELECT {columns} FROM audit_logs WHERE "
                "(%(actor)s::uuid IS NULL OR actor_id = %(actor)s) "
                "AND (%(entity)s::text IS NULL OR entity = %(entity)s) "
                "AND (%(entity_id)s::uuid IS NULL OR entity_id = %(entity_id)s) "
                "AND (%(action)s::text IS NULL OR action = %(action)s) "
                "AND (%(after)s::uuid IS NULL OR id < %(after)s) "
                "ORDER BY id DESC LIMIT %(limit)s"
            ),
            {
                "actor": where.actor_id,
                "entity": where.entity,
                "entity_id": where.entity_id,
                "action": where.action,
                "after": page.after,
                "limit": page.fetch,
            },
        )
        return page_from(rows, page, lambda entry: entry.id)

    async def list_about_user(self, user_id: UUID, page: PageRequest[UUID]) -> PageOf[AuditEntry]:
        rows = await self._many(
            _q(
                "SELECT {columns} FROM ("
                " SELECT {columns} FROM audit_logs WHERE actor_id = %(user)s"
                " UNION SELECT {columns} FROM audit_logs WHERE entity = 'user' AND entity_id = %(user)s"
                ") AS mine WHERE (%(after)s::uuid IS NULL OR id > %(after)s) ORDER BY id LIMIT %(limit)s"
            ),
            {"user": user_id, "after": page.after, "limit": page.fetch},
        )
        return page_from(rows, page, lambda entry: entry.id)

    async def anonymise_user(self, user_id: UUID, pseudonym: str) -> int:
        as_actor = await self._conn.execute(
            "UPDATE audit_logs SET actor_id = NULL, actor_pseudonym = %(p)s, updated_at = clock_timestamp() "
            "WHERE actor_id = %(user)s",
            {"p": pseudonym, "user": user_id},
        )
        as_subject = await self._conn.execute(
            "UPDATE audit_logs SET entity_id = NULL, entity_pseudonym = %(p)s, updated_at = clock_timestamp() "
            "WHERE entity = 'user' AND entity_id = %(user)s",
            {"p": pseudonym, "user": user_id},
        )
        return as_actor.rowcount + as_subject.rowcount
