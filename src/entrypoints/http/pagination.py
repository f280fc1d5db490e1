"""Cursor pagination at the edge (S-API-5): `?limit=` (default 50, max 200) and an opaque `?cursor=`."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Annotated, TypeVar
from uuid import UUID

from litestar.params import QueryParameter

from application.errors import ApplicationError
from application.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageOf, PageRequest
from entrypoints.http.schemas import Page, PageMeta

T = TypeVar("T")
Out = TypeVar("Out")

_PREFIX = "v1:"

Limit = Annotated[
    int, QueryParameter(ge=1, le=MAX_LIMIT, description=f"page size (default {DEFAULT_LIMIT}, max {MAX_LIMIT})")
]
Cursor = Annotated[
    str | None, QueryParameter(max_length=200, description="`meta.next_cursor` of the previous page", required=False)
]


class InvalidCursor(ApplicationError):
    """Answered 400: the cursor was not one this API handed out."""

    code = "invalid_cursor"


def encode_cursor(after_id: UUID | None) -> str | None:
    if after_id is None:
        return None
    return base64.urlsafe_b64encode((_PREFIX + str(after_id)).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> UUID | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith(_PREFIX):
            raise ValueError(raw)
        return UUID(raw.removeprefix(_PREFIX))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor("the cursor is not valid; pass `meta.next_cursor` unchanged") from None


def page_request(limit: int, cursor: str | None) -> PageRequest:
    return PageRequest(limit=limit, after_id=decode_cursor(cursor))


def page_of(result: PageOf[T], limit: int, render: Callable[[T], Out]) -> Page[Out]:
    return Page(
        data=[render(item) for item in result.items],
        meta=PageMeta(limit=limit, next_cursor=encode_cursor(result.next_after_id)),
    )
