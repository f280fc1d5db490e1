"""Opaque cursors and ETag / If-Match headers (S-API-5, S-API-7)."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

import msgspec
from litestar.exceptions import ValidationException

_ETAG = re.compile(r'^\s*(?:W/)?"v(\d{1,18})"\s*$')


def etag(version: int) -> str:
    return f'"v{version}"'


def expected_version(if_match: str | None) -> int | None:
    """The version an If-Match header asks for: None when absent or `*`, -1 when it cannot match anything."""
    if if_match is None or if_match.strip() == "*":
        return None
    match = _ETAG.match(if_match.split(",")[0])
    return int(match.group(1)) if match else -1


def encode_cursor(*parts: Any) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode(list(parts))).decode().rstrip("=")


def decode_cursor(cursor: str, shape: type[Any]) -> Any:
    """The cursor's parts converted to `shape` (a tuple type); a forged or broken cursor answers 400."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return msgspec.json.decode(raw, type=shape)
    except (binascii.Error, ValueError, msgspec.DecodeError, msgspec.ValidationError):
        raise ValidationException(
            "the cursor is not one this API gave out", extra=[{"key": "cursor", "message": "invalid cursor"}]
        ) from None
