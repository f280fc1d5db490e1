"""Cursor pagination at the edge (S-API-5): `?limit=` (default 50, max 200) and an opaque `?cursor=`.

One cursor format for every list: the position of the last item handed out (one or more values,
e.g. `(start_ms, id)` for cues), JSON-encoded and base64url'd. A cursor this API did not hand
out answers 400 `invalid_cursor`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar
from uuid import UUID

import msgspec
from litestar.params import QueryParameter

from application.errors import ApplicationError
from application.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageOf, PageRequest
from entrypoints.http.schemas import Page, PageMeta

T = TypeVar("T")
Out = TypeVar("Out")

Limit = Annotated[
    int, QueryParameter(ge=1, le=MAX_LIMIT, description=f"page size (default {DEFAULT_LIMIT}, max {MAX_LIMIT})")
]
Cursor = Annotated[
    str | None, QueryParameter(max_length=200, description="`meta.next_cursor` of the previous page", required=False)
]


class InvalidCursor(ApplicationError):
    """Answered 400: the cursor was not one this API handed out."""

    code = "invalid_cursor"


def encode_cursor(*position: Any) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode(list(position))).decode().rstrip("=")


def decode_cursor(cursor: str, shape: type[Any]) -> Any:
    """The position a cursor names, converted to `shape` (a tuple type)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return msgspec.json.decode(raw, type=shape)
    except (binascii.Error, ValueError, msgspec.DecodeError, msgspec.ValidationError):
        raise InvalidCursor("the cursor is not valid; pass `meta.next_cursor` unchanged") from None


def position_of(cursor: str | None, kind: type[Any]) -> Any:
    """The single value a one-part cursor names (an id), or None without a cursor."""
    return decode_cursor(cursor, tuple[kind])[0] if cursor else None  # type: ignore[valid-type]


def keyset_page(
    rows: Sequence[T], limit: int, render: Callable[[T], Out], position: Callable[[T], tuple[Any, ...]]
) -> Page[Out]:
    """A page from `limit + 1` rows: the extra row only says that another page follows."""
    page = rows[:limit]
    next_cursor = encode_cursor(*position(page[-1])) if len(rows) > limit else None
    return Page(data=[render(row) for row in page], meta=PageMeta(limit=limit, next_cursor=next_cursor))


def page_request(limit: int, cursor: str | None) -> PageRequest:
    return PageRequest(limit=limit, after_id=position_of(cursor, UUID))


def page_of(result: PageOf[T], limit: int, render: Callable[[T], Out]) -> Page[Out]:
    next_cursor = None if result.next_after_id is None else encode_cursor(result.next_after_id)
    return Page(data=[render(item) for item in result.items], meta=PageMeta(limit=limit, next_cursor=next_cursor))
