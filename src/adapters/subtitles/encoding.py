"""Subtitle bytes → text: an explicit encoding, else byte-order marks (checked, since some lie), UTF-16/32
without a mark (timing lines are ASCII, so their zero bytes give the layout away), UTF-8, then the
legacy code pages the track's language is written in, then open detection (charset-normalizer)."""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

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
_WESTERN = ("cp1252", "iso8859_15")
_CENTRAL = ("cp1250", "iso8859_2")
_CYRILLIC = ("cp1251", "koi8_r", "koi8_u", "cp866")
_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("en fr es de it pt nl da sv no nb nn fi is ca gl eu ga af id ms sw tl oc lb fo", _WESTERN),
    ("pl cs sk hu hr sl ro bs sq", _CENTRAL),
    ("ru uk be bg mk sr kk ky mn tg", _CYRILLIC),
    ("ar fa ur", ("cp1256", "iso8859_6")),
    ("et lt lv", ("cp1257", "iso8859_13")),
    ("tr az", ("cp1254", "iso8859_9")),
    ("el", ("cp1253", "iso8859_7")),
    ("he", ("cp1255", "iso8859_8")),
    ("vi", ("cp1258",)),
    ("th", ("cp874",)),
    ("ja", ("cp932", "euc_jp")),
    ("ko", ("cp949", "euc_kr")),
    ("zh", ("gb18030", "big5hkscs")),
)
_LANGUAGE_ENCODINGS = {code: encodings for codes, encodings in _GROUPS for code in codes.split(" ")}
_TRADITIONAL_CHINESE = ("big5hkscs", "cp950", "gb18030")
_SAMPLE = 256 * 1024  # bytes measured for the confidence; decoding always covers the whole file
MAX_CHAOS = 0.25


@dataclass(slots=True)
class Decoded:
    text: str
    encoding: str
    confidence: float
    warnings: list[str] = field(default_factory=list)


def candidates_for(language: str | None) -> tuple[str, ...]:
    """The legacy code pages a language tag is usually written in, most likely first."""
    if not language:
        return ()
    parts = [part.lower() for part in language.split("-")]
    if parts[0] == "zh" and ({"hant", "tw", "hk", "mo"} & set(parts[1:])):
        return _TRADITIONAL_CHINESE
    if parts[0] in ("sr", "bs") and "latn" in parts[1:]:
        return _CENTRAL
    return _LANGUAGE_ENCODINGS.get(parts[0], ())


def decode(data: bytes, *, language: str | None = None, encoding: str | None = None) -> Decoded:
    """The text and how it was read; raises UnreadableSubtitles for empty, binary or undecodable input."""
    if not data.strip():
        raise UnreadableSubtitles("the file is empty")
    if encoding is not None:
        return _explicit(data, encoding)
    warnings: list[str] = []
    for bom, name in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], name)
            if text is not None and _plausible(text):
                return Decoded(text, name, 1.0)
            warnings.append(f"the file starts with a {name} byte-order mark but is not {name}; the mark was ignored")
            data = data[len(bom) :]
            break
    layout = _wide_layout(data)
    if layout is not None:
        text = _strict(data, layout)
        if text is not None:
            return Decoded(text, layout, 0.95, [*warnings, f"the file was read as {layout} (no byte-order mark)"])
    if b"\x00" in data:
        raise UnreadableSubtitles("the file is binary, not text", line=data.count(b"\n", 0, data.index(b"\x00")) + 1)
    text = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", 1.0, warnings)
    return _legacy(data, language, warnings)


def _explicit(data: bytes, encoding: str) -> Decoded:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise UnreadableSubtitles(f"{encoding!r} is not an encoding this server knows", field="encoding") from None
    try:
        return Decoded(data.decode(name), name, 1.0, [f"the file was read as {name}, as asked"])
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UnreadableSubtitles(f"the file is not {name} (byte {exc.start})", line=line, field="encoding") from None


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _plausible(text: str) -> bool:
    """Text under a byte-order mark that holds no timing and no section is not what the mark says."""
    head = text[:_SAMPLE]
    return "-->" in head or "[events]" in head.lower() or head.lstrip("\ufeff").startswith("WEBVTT")


def _wide_layout(data: bytes) -> str | None:
    """UTF-32 or UTF-16 without a mark, told by where the zero bytes of the ASCII timing lines fall."""
    head = data[:4096]
    size = len(head) - len(head) % 4
    if size < 16:
        return None
    zeros = [head[i:size:4].count(0) / (size // 4) for i in range(4)]
    if zeros[2] > 0.9 and zeros[3] > 0.9 and zeros[0] < 0.5:
        return "utf-32-le"
    if zeros[0] > 0.9 and zeros[1] > 0.9 and zeros[3] < 0.5:
        return "utf-32-be"
    odd, even = (zeros[1] + zeros[3]) / 2, (zeros[0] + zeros[2]) / 2
    if odd > 0.25 and even < 0.05:
        return "utf-16-le"
    if even > 0.25 and odd < 0.05:
        return "utf-16-be"
    return None


def _chaos(data: bytes, encoding: str) -> float | None:
    best = charset_normalizer.from_bytes(data[:_SAMPLE], cp_isolation=[encoding]).best()
    return None if best is None else float(best.chaos)


def _legacy(data: bytes, language: str | None, warnings: list[str]) -> Decoded:
    for name in candidates_for(language):
        text = _strict(data, name)
        chaos = None if text is None else _chaos(data, name)
        if text is not None and chaos is not None and chaos <= MAX_CHAOS:
            confidence = round(max(0.5, 1.0 - chaos) * 0.9, 2)  # the language made it likely, not certain
            warnings.append(f"the file was decoded as {name} (a code page for {language}), confidence {confidence}")
            return Decoded(text, name, confidence, warnings)
    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.encoding is None:
        raise UnreadableSubtitles("the file is not text in any known encoding")
    confidence = round(max(0.0, 1.0 - float(best.chaos)) * (0.8 if len(data) > 2048 else 0.5), 2)
    warnings.append(f"the file was decoded as {best.encoding} (guessed), confidence {confidence}")
    return Decoded(str(best), best.encoding, confidence, warnings)
