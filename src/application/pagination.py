"""Keyset pagination shared by every list use case (S-API-5): bounded pages, opaque cursors at the edge."""

from __future__ import annotations

from typing import Generic, TypeVar
from uuid import UUID

import msgspec

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageRequest(msgspec.Struct, frozen=True, kw_only=True):
    """Items strictly after `after_id` in the list's order (newest first), at most `limit` of them."""

    limit: int = DEFAULT_LIMIT
    after_id: UUID | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")


class PageOf(msgspec.Struct, Generic[T], frozen=True, kw_only=True):
    items: list[T]
    next_after_id: UUID | None


def page_from(rows: list[T], request: PageRequest) -> PageOf[T]:
    """Rows fetched with LIMIT request.limit + 1 (items with an `id`): the extra row only says another page exists."""
    items = rows[: request.limit]
    next_after: UUID | None = getattr(items[-1], "id", None) if items and len(rows) > request.limit else None
    return PageOf(items=items, next_after_id=next_after)
