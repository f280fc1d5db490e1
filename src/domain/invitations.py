"""Invitations: a pending membership addressed to an email, answered by whoever signs in with it."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from domain.projects import ProjectRole


class Invitation(msgspec.Struct, frozen=True, kw_only=True):
    """Who is invited (a normalized email, registered or not), to which project, as what, until when."""

    id: UUID
    project_id: UUID
    email: str
    role: ProjectRole
    invited_by: UUID | None
    created_at: datetime
    expires_at: datetime

    def is_open_to(self, email: str | None, now: datetime) -> bool:
        """Only the addressee may answer, and only before it expires."""
        return email is not None and email == self.email and now < self.expires_at


class InvitationView(msgspec.Struct, frozen=True, kw_only=True):
    """An invitation as its addressee sees it: with the project's title."""

    invitation: Invitation
    project_title: str
