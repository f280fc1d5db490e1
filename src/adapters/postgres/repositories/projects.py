"""Projects and members (their invitations: `invitations`) in PostgreSQL (hand-written SQL, bound parameters only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from application.pagination import PageOf, PageRequest, page_from
from application.ports.projects import ProjectAccess, RosterKey
from domain.invitations import Invitation
from domain.projects import Member, Project, ProjectRole, VideoRef

MAX_UUID = UUID("ffffffff-ffff-ffff-ffff-ffffffffffff")
MIN_UUID = UUID(int=0)


SELECT_ACCESS = """
SELECT p.id, p.title, p.owner_id, p.video, p.version, p.created_at, p.updated_at, m.role
FROM projects p
LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = %(user_id)s
WHERE p.id = %(project_id)s AND p.deleted_at IS NULL
"""

SELECT_ACCESS_FOR_UPDATE = """
SELECT p.id, p.title, p.owner_id, p.video, p.version, p.created_at, p.updated_at, m.role
FROM projects p
LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = %(user_id)s
WHERE p.id = %(project_id)s AND p.deleted_at IS NULL
FOR UPDATE OF p
"""

LIST_FOR_MEMBER = """
SELECT p.id, p.title, p.owner_id, p.video, p.version, p.created_at, p.updated_at, m.role
FROM project_members m
JOIN projects p ON p.id = m.project_id
WHERE m.user_id = %(user_id)s AND m.project_id < %(before_id)s AND p.deleted_at IS NULL
ORDER BY m.project_id DESC
LIMIT %(limit)s
"""

INSERT_PROJECT = """
INSERT INTO projects (id, title, owner_id, video, version, created_at, updated_at)
VALUES (%(id)s, %(title)s, %(owner_id)s, %(video)s, %(version)s, %(created_at)s, %(updated_at)s)
"""

UPDATE_PROJECT = """
UPDATE projects SET title = %(title)s, video = %(video)s, version = %(version)s, updated_at = %(updated_at)s
WHERE id = %(id)s AND deleted_at IS NULL
"""

SOFT_DELETE_PROJECT = "UPDATE projects SET deleted_at = %(at)s, updated_at = %(at)s WHERE id = %(id)s"

INSERT_MEMBER = """
INSERT INTO project_members (project_id, user_id, role, created_at, updated_at)
VALUES (%(project_id)s, %(user_id)s, %(role)s, %(at)s, %(at)s)
"""

# Members by user id, then the open invitations by id (only when `pending_at` is given).
ROSTER = """
(SELECT false AS pending, m.user_id AS id, m.role, u.email, u.display_name, NULL::uuid AS invited_by,
        NULL::timestamptz AS created_at, NULL::timestamptz AS expires_at
 FROM project_members m
 JOIN users u ON u.id = m.user_id
 WHERE m.project_id = %(project_id)s AND NOT %(after_pending)s AND m.user_id > %(after)s
 ORDER BY m.user_id
 LIMIT %(limit)s)
UNION ALL
(SELECT true, i.id, i.role, i.email, NULL, i.invited_by, i.created_at, i.expires_at
 FROM project_invitations i
 WHERE i.project_id = %(project_id)s AND %(pending_at)s::timestamptz IS NOT NULL AND i.expires_at > %(pending_at)s
   AND (NOT %(after_pending)s OR i.id > %(after)s)
 ORDER BY i.id
 LIMIT %(limit)s)
ORDER BY pending, id
LIMIT %(limit)s
"""

ROLE_OF_EMAIL = """
SELECT m.role FROM project_members m JOIN users u ON u.id = m.user_id
WHERE m.project_id = %(project_id)s AND u.email = %(email)s AND u.deleted_at IS NULL
"""

DELETE_MEMBER = "DELETE FROM project_members WHERE project_id = %(project_id)s AND user_id = %(user_id)s"


def _video(raw: dict[str, Any] | None) -> VideoRef | None:
    return None if raw is None else msgspec.convert(raw, VideoRef)


def project_access_from_row(row: tuple[Any, ...]) -> ProjectAccess:
    project = Project(
        id=row[0],
        title=row[1],
        owner_id=row[2],
        video=_video(row[3]),
        version=row[4],
        created_at=row[5],
        updated_at=row[6],
    )
    return ProjectAccess(project=project, role=None if row[7] is None else ProjectRole(row[7]))


def _project_params(project: Project) -> dict[str, Any]:
    return {
        "id": project.id,
        "title": project.title,
        "owner_id": project.owner_id,
        "video": None if project.video is None else Jsonb(msgspec.to_builtins(project.video)),
        "version": project.version,
        "created_at": project.created_at,
        "updated_at": project.updated_at,
    }


# VideoRef omits its default status, so a stored pending video may have no "status" key at all.
PENDING_VIDEOS = """
SELECT id, title, owner_id, video, version, created_at, updated_at FROM projects
WHERE deleted_at IS NULL AND video IS NOT NULL AND COALESCE(video ->> 'status', 'pending') = 'pending'
ORDER BY id LIMIT %(limit)s
"""

PENDING_VIDEO = """
SELECT video FROM projects
WHERE id = %(id)s AND deleted_at IS NULL AND video IS NOT NULL AND COALESCE(video ->> 'status', 'pending') = 'pending'
"""

FILL_VIDEO = """
UPDATE projects SET video = %(video)s, version = version + 1, updated_at = %(at)s
WHERE id = %(id)s AND deleted_at IS NULL AND COALESCE(video ->> 'status', 'pending') = 'pending'
  AND (video ->> 'id') = %(video_id)s
"""


class PostgresProjectRepository:
    def __init__(self, conn: AsyncConnection[Any]) -> None:
        self._conn = conn

    async def add(self, project: Project) -> None:
        await self._conn.execute(INSERT_PROJECT, _project_params(project))

    async def access(self, project_id: UUID, user_id: UUID, *, for_update: bool = False) -> ProjectAccess | None:
        query = SELECT_ACCESS_FOR_UPDATE if for_update else SELECT_ACCESS
        cur = await self._conn.execute(query, {"project_id": project_id, "user_id": user_id})
        row = await cur.fetchone()
        return None if row is None else project_access_from_row(row)

    async def list_for_member(self, user_id: UUID, page: PageRequest[UUID]) -> PageOf[ProjectAccess]:
        params = {"user_id": user_id, "before_id": page.after or MAX_UUID, "limit": page.fetch}
        cur = await self._conn.execute(LIST_FOR_MEMBER, params)
        rows = [project_access_from_row(row) for row in await cur.fetchall()]
        return page_from(rows, page, lambda access: access.project.id)

    async def update(self, project: Project) -> None:
        await self._conn.execute(UPDATE_PROJECT, _project_params(project))

    async def soft_delete(self, project_id: UUID, *, at: datetime) -> None:
        await self._conn.execute(SOFT_DELETE_PROJECT, {"id": project_id, "at": at})

    async def pending_videos(self, *, limit: int) -> list[Project]:
        cur = await self._conn.execute(PENDING_VIDEOS, {"limit": limit})
        return [
            Project(
                id=row[0],
                title=row[1],
                owner_id=row[2],
                video=_video(row[3]),
                version=row[4],
                created_at=row[5],
                updated_at=row[6],
            )
            for row in await cur.fetchall()
        ]

    async def pending_video(self, project_id: UUID) -> VideoRef | None:
        cur = await self._conn.execute(PENDING_VIDEO, {"id": project_id})
        row = await cur.fetchone()
        return None if row is None else _video(row[0])

    async def fill_video(self, project_id: UUID, video: VideoRef, *, at: datetime) -> bool:
        params = {"id": project_id, "video": Jsonb(msgspec.to_builtins(video)), "video_id": video.id, "at": at}
        cur = await self._conn.execute(FILL_VIDEO, params)
        return cur.rowcount == 1


def _roster_entry(project_id: UUID, r: tuple[Any, ...]) -> Member | Invitation:
    role = ProjectRole(r[2])
    if not r[0]:
        return Member(project_id=project_id, user_id=r[1], role=role, email=r[3] or "", display_name=r[4] or "")
    return Invitation(
        id=r[1], project_id=project_id, email=r[3], role=role, invited_by=r[5], created_at=r[6], expires_at=r[7]
    )


class PostgresMemberRepository:
    def __init__(self, conn: AsyncConnection[Any]) -> None:
        self._conn = conn

    async def add(self, member: Member, *, at: datetime) -> None:
        params = {"project_id": member.project_id, "user_id": member.user_id, "role": member.role.value, "at": at}
        await self._conn.execute(INSERT_MEMBER, params)

    async def roster(
        self, project_id: UUID, page: PageRequest[RosterKey], *, pending_at: datetime | None
    ) -> PageOf[Member | Invitation]:
        after = page.after
        params = {
            "project_id": project_id,
            "pending_at": pending_at,
            "after_pending": after is not None and after.pending,
            "after": MIN_UUID if after is None else after.id,
            "limit": page.fetch,
        }
        cur = await self._conn.execute(ROSTER, params)
        return page_from([_roster_entry(project_id, row) for row in await cur.fetchall()], page, _roster_key)

    async def role_of_email(self, project_id: UUID, email: str) -> ProjectRole | None:
        cur = await self._conn.execute(ROLE_OF_EMAIL, {"project_id": project_id, "email": email})
        row = await cur.fetchone()
        return None if row is None else ProjectRole(row[0])

    async def remove(self, project_id: UUID, user_id: UUID) -> bool:
        cur = await self._conn.execute(DELETE_MEMBER, {"project_id": project_id, "user_id": user_id})
        return cur.rowcount > 0


def _roster_key(entry: Member | Invitation) -> RosterKey:
    if isinstance(entry, Invitation):
        return RosterKey(pending=True, id=entry.id)
    return RosterKey(pending=False, id=entry.user_id)
