"""The request class of the app: a body that is not JSON a parser can hold answers 400, never 500."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ClientException
from litestar.serialization import decode_json
from litestar.types import Empty

from application.off_loop import INLINE_BYTES, off_loop


class BodyNotJson(ClientException):
    """400 with a stable code (the problem mapper reads `extra["code"]`)."""


class SubdubRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        try:
            if self._connection_state.json is Empty:
                await self._decode_large_body()
            return await super().json()
        except UnicodeDecodeError:
            raise BodyNotJson("the request body is not valid UTF-8", extra={"code": "invalid_encoding"}) from None
        except RecursionError:
            raise BodyNotJson("the request body is nested too deeply", extra={"code": "body_too_deep"}) from None

    async def _decode_large_body(self) -> None:
        """A big body (a 5 000-change sync push is ~1 MiB) is decoded off the event loop, straight into the
        handler's `data` type when it fits it; Litestar then takes the decoded value from the connection
        state (a struct of the right type passes its validation as is) instead of decoding it again."""
        body = await self.body()
        if len(body) <= INLINE_BYTES:
            return
        field = self.route_handler.parsed_data_field
        target = None if field is None else field.annotation
        typed = target if isinstance(target, type) and issubclass(target, msgspec.Struct) else None
        decoders = self.route_handler.resolve_type_decoders()
        self._connection_state.json = await off_loop(False, _decode, body, typed, decoders)


def _decode(body: bytes, typed: type[msgspec.Struct] | None, decoders: Any) -> Any:
    """The body as `typed` when it is valid as such, else as plain JSON values: Litestar validates those
    itself and answers with its usual field-level 400."""
    if typed is not None:
        try:
            return msgspec.json.decode(body, type=typed)
        except (msgspec.ValidationError, msgspec.DecodeError):
            return decode_json(body, type_decoders=decoders)  # Litestar names the bad fields
    return decode_json(body, type_decoders=decoders)
