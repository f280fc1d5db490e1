"""ETag / If-Match headers (S-API-7)."""

from __future__ import annotations

import re

# One or more entity tags, or `*` (RFC 9110 §13.1.1); anything else is a malformed header (400).
IF_MATCH_PATTERN = r'^\s*(\*|(W/)?"[\x21\x23-\x7e]*"(\s*,\s*(W/)?"[\x21\x23-\x7e]*")*)\s*$'
_ETAG = re.compile(r'^\s*(?:W/)?"v(\d{1,18})"\s*$')


def etag(version: int) -> str:
    return f'"v{version}"'


def expected_version(if_match: str | None) -> int | None:
    """The version an If-Match header asks for: None when absent or `*`, -1 when it cannot match anything."""
    if if_match is None or if_match.strip() == "*":
        return None
    match = _ETAG.match(if_match.split(",")[0])
    return int(match.group(1)) if match else -1
