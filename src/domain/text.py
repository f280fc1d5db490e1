"""Rules every stored string obeys: bounded length and no control characters (NUL breaks PostgreSQL text)."""

from __future__ import annotations

import re

from domain.errors import InvariantViolated

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_plain(value: str, *, field: str, max_chars: int, multiline: bool = False) -> str:
    """`value` unchanged, or InvariantViolated naming `field`. `multiline` allows tabs and line breaks."""
    if len(value) > max_chars:
        raise InvariantViolated(f"{field} must be at most {max_chars} characters, got {len(value)}", field=field)
    if (_CONTROL_BUT_LINES if multiline else _CONTROL).search(value):
        raise InvariantViolated(f"{field} must not contain control characters (NUL and the like)", field=field)
    return value
