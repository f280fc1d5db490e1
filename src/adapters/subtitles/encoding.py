"""Turning subtitle bytes into text: byte-order marks first, then UTF-8, then charset detection."""

from __future__ import annotations

import contextlib

import charset_normalizer

from application.ports.subtitles import UnreadableSubtitles

# Longest marks first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name); raises UnreadableSubtitles for empty or binary input."""
    if not data.strip():
        raise UnreadableSubtitles("the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise UnreadableSubtitles(
                    f"the file starts with a {encoding} byte-order mark but is not {encoding}"
                ) from exc
    if b"\x00" in data:
        raise UnreadableSubtitles("the file is binary, not text", line=_line_of(data, data.index(b"\x00")))
    with contextlib.suppress(UnicodeDecodeError):  # not UTF-8: detect the legacy code page below
        return data.decode("utf-8"), "utf-8"
    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.encoding is None:
        raise UnreadableSubtitles("the file is not text in any known encoding")
    return str(best), best.encoding


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1
