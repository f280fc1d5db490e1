"""Cursor pagination at the edge (S-API-5): `?limit=` (default 50, max 200) and an opaque `?cursor=`.

One cursor format for every list: the position of the last item handed out (one or more values,
e.g. `(start_ms, id)` for cues; see `application/pagination.py`), JSON-encoded and base64url'd. A
cursor this API did not hand out answers 400 `invalid_cursor`. Lists read a `PageRequest` from
`page_request` and answer a `PageOf` through `page_out`; nothing else builds or reads cursors.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import msgspec
from litestar.params import QueryParameter

from application.errors import ApplicationError
from application.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageOf, PageRequest
from entrypoints.http.schemas import Page, PageMeta

T = TypeVar("T")
K = TypeVar("K")
Out = TypeVar("Out")

Limit = Annotated[
    int, QueryParameter(ge=1, le=MAX_LIMIT, description=f"page size (default {DEFAULT_LIMIT}, max {MAX_LIMIT})")
]
# The position in a list paged by index (computed lists: a render's report, the voices), bounded so a
# forged cursor cannot overflow an OFFSET.
ListIndex = Annotated[int, msgspec.Meta(ge=0, le=2**31 - 1)]
Cursor = Annotated[
    str | None, QueryParameter(max_length=200, description="`meta.next_cursor` of the previous page", required=False)
]


class InvalidCursor(ApplicationError):
    """Answered 400: the cursor was not one this API handed out."""

    code = "invalid_cursor"


def encode_cursor(position: Any) -> str:
    """A position (a value, a tuple, or an array-like Struct) as a cursor: its values as a JSON array."""
    values = position if isinstance(position, tuple | msgspec.Struct) else (position,)
    return base64.urlsafe_b64encode(msgspec.json.encode(values)).decode().rstrip("=")


def decode_cursor(cursor: str, shape: type[Any]) -> Any:
    """The position a cursor names, converted to `shape` (a tuple type or an array-like Struct)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return msgspec.json.decode(raw, type=shape)
    except (binascii.Error, ValueError, msgspec.DecodeError, msgspec.ValidationError):
        raise InvalidCursor("the cursor is not valid; pass `meta.next_cursor` unchanged") from None


def page_request(limit: int, cursor: str | None, key: type[K]) -> PageRequest[K]:
    """The page a request asks for; `key` is the list's position type (`UUID`, `int`, or an array-like Struct)."""
    if not cursor:
        return PageRequest(limit=limit)
    if isinstance(key, type) and issubclass(key, msgspec.Struct):
        return PageRequest(limit=limit, after=decode_cursor(cursor, key))
    return PageRequest(limit=limit, after=decode_cursor(cursor, tuple[key])[0])  # type: ignore[valid-type]


def page_out(result: PageOf[T], limit: int, render: Callable[[T], Out]) -> Page[Out]:
    """The `{data, meta: {limit, next_cursor}}` answer for a page of a list."""
    next_cursor = None if result.next_after is None else encode_cursor(result.next_after)
    return Page(data=[render(item) for item in result.items], meta=PageMeta(limit=limit, next_cursor=next_cursor))
