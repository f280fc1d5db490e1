"""Keyset pagination shared by every list port and list use case (S-API-5): one page request, one page
result; the HTTP edge turns positions into opaque cursors and back.

A position is the list's own key of the last item handed out, in the list's order: an id for most
lists, `(start_ms, id)` for cues, `(pending, id)` for a roster. Each repository pages its table by its
own keyset; nothing above it looks inside a position."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import msgspec

T = TypeVar("T")
U = TypeVar("U")
K = TypeVar("K")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200  # the largest page a client may ask for (checked at the edge)
MAX_BATCH = 5000  # the largest page read inside the service (exports)


class PageRequest(msgspec.Struct, Generic[K], frozen=True, kw_only=True):
    """At most `limit` items strictly after position `after` in the list's order (from the start without)."""

    limit: int = DEFAULT_LIMIT
    after: K | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_BATCH:
            raise ValueError(f"limit must be between 1 and {MAX_BATCH}")

    @property
    def fetch(self) -> int:
        """Rows to read: one more than `limit`, whose presence only says that another page follows."""
        return self.limit + 1


class PageOf(msgspec.Struct, Generic[T], frozen=True, kw_only=True):
    """A page of items and the position to ask for the next page after (None: this is the last page)."""

    items: list[T]
    next_after: Any = None

    def map(self, convert: Callable[[T], U]) -> PageOf[U]:
        return PageOf(items=[convert(item) for item in self.items], next_after=self.next_after)


def page_from(rows: Sequence[T], page: PageRequest[Any], position: Callable[[T], Any]) -> PageOf[T]:
    """A page from rows read with LIMIT `page.fetch`: the extra row only says another page exists."""
    items = list(rows[: page.limit])
    next_after = position(items[-1]) if items and len(rows) > page.limit else None
    return PageOf(items=items, next_after=next_after)


async def each_item(
    read_page: Callable[[PageRequest[Any]], Awaitable[PageOf[T]]], *, batch: int = MAX_LIMIT
) -> AsyncIterator[T]:
    """Every item of a list, in its order, read `batch` at a time (exports)."""
    page: PageRequest[Any] = PageRequest(limit=batch)
    while True:
        result = await read_page(page)
        for item in result.items:
            yield item
        if result.next_after is None:
            return
        page = PageRequest(limit=batch, after=result.next_after)


async def every_item(
    read_page: Callable[[PageRequest[Any]], Awaitable[PageOf[T]]], *, batch: int = MAX_LIMIT
) -> list[T]:
    """Every item of a list as one list, read `batch` at a time."""
    return [item async for item in each_item(read_page, batch=batch)]
