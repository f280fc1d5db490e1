"""Request and response bodies of the identity routes (validated at the boundary: S-SEC-1)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from msgspec import Meta

from application.use_cases.identity.sessions import TokenPair
from domain.audit import AuditEntry
from domain.users import (
    EMAIL_PATTERN,
    MAX_DISPLAY_NAME_LENGTH,
    MAX_EMAIL_LENGTH,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    GlobalRole,
    User,
)

Email = Annotated[
    str, Meta(min_length=3, max_length=MAX_EMAIL_LENGTH, pattern=EMAIL_PATTERN, examples=["ada@example.com"])
]
NewPassword = Annotated[str, Meta(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)]
AnyPassword = Annotated[str, Meta(min_length=1, max_length=MAX_PASSWORD_LENGTH)]
DisplayName = Annotated[str, Meta(min_length=1, max_length=MAX_DISPLAY_NAME_LENGTH)]
OpaqueToken = Annotated[str, Meta(min_length=1, max_length=512)]


class RegisterRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    email: Email
    password: NewPassword
    display_name: DisplayName


CookieMode = Annotated[
    bool,
    Meta(
        description="true: the refresh token goes in an HttpOnly cookie (and out of the body), with a CSRF cookie "
        "whose value the client echoes in X-CSRF-Token when it refreshes or logs out through that cookie"
    ),
]


class LoginRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    email: Annotated[str, Meta(min_length=1, max_length=MAX_EMAIL_LENGTH)]
    password: AnyPassword
    refresh_cookie: CookieMode = False


class RefreshRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Without `refresh_token`, the session cookie is used (and the X-CSRF-Token header is required)."""

    refresh_token: OpaqueToken | None = None
    refresh_cookie: CookieMode = False


class RoleChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    role: GlobalRole


class UserOut(msgspec.Struct, kw_only=True):
    id: UUID
    email: str
    display_name: str
    role: GlobalRole
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            email=user.email or "",
            display_name=user.display_name or "",
            role=user.role,
            created_at=user.created_at,
            updated_at=user.updated_at,
        )


class TokensOut(msgspec.Struct, kw_only=True):
    """`refresh_token` is absent when it was set as a cookie instead."""

    access_token: str
    token_type: str
    expires_in: int
    refresh_token: str | msgspec.UnsetType = msgspec.UNSET

    @classmethod
    def of(cls, pair: TokenPair, *, in_cookie: bool = False) -> TokensOut:
        return cls(
            access_token=pair.access_token,
            refresh_token=msgspec.UNSET if in_cookie else pair.refresh_token,
            token_type=pair.token_type,
            expires_in=pair.expires_in,
        )


class AuditEntryOut(msgspec.Struct, kw_only=True):
    id: UUID
    at: datetime
    actor_id: UUID | None
    actor_pseudonym: str | None
    action: str
    entity: str
    entity_id: UUID | None
    entity_pseudonym: str | None
    changes: dict[str, Any]
    trace_id: str | None

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryOut:
        return cls(
            id=entry.id,
            at=entry.at,
            actor_id=entry.actor_id,
            actor_pseudonym=entry.actor_pseudonym,
            action=entry.action,
            entity=entry.entity,
            entity_id=entry.entity_id,
            entity_pseudonym=entry.entity_pseudonym,
            changes=entry.changes,
            trace_id=entry.trace_id,
        )
