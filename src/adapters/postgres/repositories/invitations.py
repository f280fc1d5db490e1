"""Project invitations in PostgreSQL (hand-written SQL, bound parameters only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection

from application.pagination import PageOf, PageRequest, page_from
from domain.invitations import Invitation, InvitationView
from domain.projects import ProjectRole

# Inviting the same email again renews the pending invitation and keeps its id.
PUT = """
INSERT INTO project_invitations AS i
    (id, project_id, email, role, invited_by, created_at, updated_at, expires_at)
VALUES (%(id)s, %(project_id)s, %(email)s, %(role)s, %(invited_by)s, %(created_at)s, %(created_at)s, %(expires_at)s)
ON CONFLICT (project_id, email) DO UPDATE SET
    role = EXCLUDED.role, invited_by = EXCLUDED.invited_by, created_at = EXCLUDED.created_at,
    updated_at = EXCLUDED.updated_at, expires_at = EXCLUDED.expires_at
RETURNING i.id, i.project_id, i.email, i.role, i.invited_by, i.created_at, i.expires_at
"""

GET = """
SELECT i.id, i.project_id, i.email, i.role, i.invited_by, i.created_at, i.expires_at
FROM project_invitations i JOIN projects p ON p.id = i.project_id
WHERE i.id = %(id)s AND p.deleted_at IS NULL
"""

GET_FOR_UPDATE = """
SELECT i.id, i.project_id, i.email, i.role, i.invited_by, i.created_at, i.expires_at
FROM project_invitations i JOIN projects p ON p.id = i.project_id
WHERE i.id = %(id)s AND p.deleted_at IS NULL
FOR UPDATE OF i
"""

FOR_EMAIL = """
SELECT i.id, i.project_id, i.email, i.role, i.invited_by, i.created_at, i.expires_at, p.title
FROM project_invitations i JOIN projects p ON p.id = i.project_id
WHERE i.email = %(email)s AND i.id > %(after)s AND i.expires_at > %(now)s AND p.deleted_at IS NULL
ORDER BY i.id
LIMIT %(limit)s
"""

DELETE = "DELETE FROM project_invitations WHERE project_id = %(project_id)s AND id = %(id)s"
DELETE_FOR_EMAIL = "DELETE FROM project_invitations WHERE email = %(email)s"

_NO_ID = UUID(int=0)


def _invitation(r: tuple[Any, ...]) -> Invitation:
    return Invitation(
        id=r[0], project_id=r[1], email=r[2], role=ProjectRole(r[3]), invited_by=r[4], created_at=r[5], expires_at=r[6]
    )


class PostgresInvitationRepository:
    def __init__(self, conn: AsyncConnection[Any]) -> None:
        self._conn = conn

    async def put(self, invitation: Invitation) -> Invitation:
        params = {
            "id": invitation.id,
            "project_id": invitation.project_id,
            "email": invitation.email,
            "role": invitation.role.value,
            "invited_by": invitation.invited_by,
            "created_at": invitation.created_at,
            "expires_at": invitation.expires_at,
        }
        cur = await self._conn.execute(PUT, params)
        row = await cur.fetchone()
        if row is None:
            raise RuntimeError("INSERT … RETURNING answered no row")
        return _invitation(row)

    async def get(self, invitation_id: UUID, *, for_update: bool = False) -> Invitation | None:
        query = GET_FOR_UPDATE if for_update else GET
        cur = await self._conn.execute(query, {"id": invitation_id})
        row = await cur.fetchone()
        return None if row is None else _invitation(row)

    async def for_email(self, email: str, page: PageRequest[UUID], *, now: datetime) -> PageOf[InvitationView]:
        params = {"email": email, "now": now, "limit": page.fetch, "after": page.after or _NO_ID}
        cur = await self._conn.execute(FOR_EMAIL, params)
        rows = [InvitationView(invitation=_invitation(r), project_title=r[7]) for r in await cur.fetchall()]
        return page_from(rows, page, lambda view: view.invitation.id)

    async def delete(self, project_id: UUID, invitation_id: UUID) -> bool:
        cur = await self._conn.execute(DELETE, {"project_id": project_id, "id": invitation_id})
        return cur.rowcount > 0

    async def delete_for_email(self, email: str) -> int:
        cur = await self._conn.execute(DELETE_FOR_EMAIL, {"email": email})
        return cur.rowcount
