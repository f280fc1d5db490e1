"""Audit entries: who changed what, when, under which trace."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec


class AuditEntry(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    at: datetime
    actor_id: UUID | None
    action: str
    entity: str
    entity_id: UUID | None
    changes: dict[str, Any]
    trace_id: str | None
    actor_pseudonym: str | None = None
    entity_pseudonym: str | None = None


def field_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The fields whose value changed, as {field: {"from": old, "to": new}}."""
    return {
        key: {"from": before.get(key), "to": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }
