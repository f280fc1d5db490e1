"""The request class of the app: a body that is not JSON a parser can hold answers 400, never 500."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import ClientException


class BodyNotJson(ClientException):
    """400 with a stable code (the problem mapper reads `extra["code"]`)."""


class SubdubRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        try:
            return await super().json()
        except UnicodeDecodeError:
            raise BodyNotJson("the request body is not valid UTF-8", extra={"code": "invalid_encoding"}) from None
        except RecursionError:
            raise BodyNotJson("the request body is nested too deeply", extra={"code": "body_too_deep"}) from None
