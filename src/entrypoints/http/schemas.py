"""Shapes shared by every route: the success envelope and the problem document."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import msgspec

T = TypeVar("T")


class Envelope(msgspec.Struct, Generic[T], kw_only=True):
    data: T
    meta: dict[str, Any] = msgspec.field(default_factory=dict)


class PageMeta(msgspec.Struct, kw_only=True):
    limit: int
    next_cursor: str | None


class Page(msgspec.Struct, Generic[T], kw_only=True):
    data: list[T]
    meta: PageMeta


class ProblemFieldError(msgspec.Struct):
    field: str
    message: str


class Problem(msgspec.Struct, kw_only=True, omit_defaults=True):
    type: str
    title: str
    status: int
    detail: str
    code: str
    trace_id: str
    errors: list[ProblemFieldError] | None = None
