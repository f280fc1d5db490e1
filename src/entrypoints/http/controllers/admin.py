"""Administration routes. A member calling them gets 404, exactly as for a path that does not exist."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get, patch
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from application.actor import Actor
from application.pagination import DEFAULT_LIMIT
from application.ports.identity import AuditFilter
from application.use_cases.identity.admin import ChangeUserRole, ListAuditLogs, ListUsers
from domain.users import GlobalRole
from entrypoints.http.errors import problem_responses
from entrypoints.http.identity_schemas import AuditEntryOut, RoleChange, UserOut
from entrypoints.http.pagination import Cursor, Limit, page_out, page_request
from entrypoints.http.schemas import Envelope, Page

Entity = Annotated[str | None, QueryParameter(max_length=100, pattern=r"^[a-z_]+$", required=False)]
Action = Annotated[str | None, QueryParameter(max_length=100, pattern=r"^[a-z_.]+$", required=False)]


class AdminController(Controller):
    path = "/api/v1/admin"
    tags = ["administration"]

    @get("/users", summary="Accounts, newest first", responses=problem_responses(400, 401, 404, 429))
    async def users(
        self,
        actor: NamedDependency[Actor],
        list_users: NamedDependency[ListUsers],
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
        role: FromQuery[GlobalRole | None] = None,
    ) -> Page[UserOut]:
        result = await list_users.execute(actor, page_request(limit, cursor, UUID), role=role)
        return page_out(result, limit, UserOut.of)

    @patch(
        "/users/{user_id:uuid}",
        summary="Change an account's global role (its tokens stop working at once)",
        responses=problem_responses(400, 401, 404, 409, 429),
    )
    async def change_role(
        self,
        actor: NamedDependency[Actor],
        change_user_role: NamedDependency[ChangeUserRole],
        user_id: FromPath[UUID],
        data: JSONBody[RoleChange],
    ) -> Envelope[UserOut]:
        return Envelope(data=UserOut.of(await change_user_role.execute(actor, user_id, data.role)))

    @get("/audit-logs", summary="Who changed what, newest first", responses=problem_responses(400, 401, 404, 429))
    async def audit_logs(
        self,
        actor: NamedDependency[Actor],
        list_audit_logs: NamedDependency[ListAuditLogs],
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
        actor_id: FromQuery[UUID | None] = None,
        entity: Entity = None,
        entity_id: FromQuery[UUID | None] = None,
        action: Action = None,
    ) -> Page[AuditEntryOut]:
        where = AuditFilter(actor_id=actor_id, entity=entity, entity_id=entity_id, action=action)
        result = await list_audit_logs.execute(actor, page_request(limit, cursor, UUID), where)
        return page_out(result, limit, AuditEntryOut.of)
