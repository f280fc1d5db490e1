"""Blob keys: relative, `/`-separated paths that mean the same thing on a disk and in a bucket."""

from __future__ import annotations

import re

# No empty, dot-led (the disk store's temp files are dot-led) or control-character segments.
_SEGMENT = re.compile(r"^[^./\x00-\x1f][^/\x00-\x1f]*$")


def check_key(key: str) -> str:
    if not key or not all(_SEGMENT.match(segment) for segment in key.split("/")):
        raise ValueError(f"invalid blob key {key!r}")
    return key
