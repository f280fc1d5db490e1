"""A project's pronunciation lexicon: plain-text entries applied to the spoken text before synthesis.

Entries match literal text only (no user regular expressions), optionally ignoring case and only as
whole words. A `text` entry replaces the words; an `ipa` entry gives a pronunciation that only an
engine with phoneme input can use. Matching itself (Aho–Corasick, linear in the text) is behind
`LexiconMatcher`, built by an adapter; choosing among the matches is here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal, Protocol
from xml.sax.saxutils import escape, quoteattr, unescape  # nosec B406 - builds SSML text, never parses XML

import msgspec

from domain.errors import InvariantViolated

LexiconKind = Literal["text", "ipa"]

MAX_ENTRIES = 2000
MAX_MATCH_CHARS = 100
MAX_REPLACE_CHARS = 300
REGEX_SIGNS = frozenset("\\^$*+?{}[]|()")


class LexiconEntry(msgspec.Struct, frozen=True, kw_only=True):
    match: str
    replace: str
    kind: LexiconKind = "text"
    case_sensitive: bool = False
    whole_word: bool = True


class Lexicon(msgspec.Struct, frozen=True, kw_only=True):
    entries: tuple[LexiconEntry, ...] = ()

    def __post_init__(self) -> None:
        if len(self.entries) > MAX_ENTRIES:
            raise InvariantViolated(f"a lexicon holds at most {MAX_ENTRIES} entries", field="entries")
        seen: set[tuple[str, bool]] = set()
        for index, entry in enumerate(self.entries):
            where = f"entries[{index}]"
            if not entry.match.strip():
                raise InvariantViolated(f"{where}: match is empty", field=f"{where}.match")
            if len(entry.match) > MAX_MATCH_CHARS:
                raise InvariantViolated(f"{where}: match is over {MAX_MATCH_CHARS} characters", field=f"{where}.match")
            signs = sorted(set(entry.match) & REGEX_SIGNS)
            if signs:
                raise InvariantViolated(
                    f"{where}: match {entry.match!r} looks like a pattern ({' '.join(signs)}); entries match plain "
                    "text only",
                    field=f"{where}.match",
                )
            if len(entry.replace) > MAX_REPLACE_CHARS:
                raise InvariantViolated(
                    f"{where}: replace is over {MAX_REPLACE_CHARS} characters", field=f"{where}.replace"
                )
            if entry.kind == "ipa" and not entry.replace.strip():
                raise InvariantViolated(f"{where}: an ipa entry needs a pronunciation", field=f"{where}.replace")
            if entry.kind == "ipa" and any(sign in entry.replace for sign in ("[[", "]]", "<", ">", '"')):
                raise InvariantViolated(f"{where}: the pronunciation holds markup", field=f"{where}.replace")
            key = (entry.match if entry.case_sensitive else fold(entry.match), entry.case_sensitive)
            if key in seen:
                raise InvariantViolated(f"{where}: {entry.match!r} is listed twice", field=f"{where}.match")
            seen.add(key)


class Match(msgspec.Struct, frozen=True):
    start: int
    end: int  # exclusive
    entry: int  # index in the lexicon


class LexiconMatcher(Protocol):
    def matches(self, text: str) -> list[Match]:
        """Every occurrence of every entry's `match` (overlaps included), honouring case sensitivity."""
        ...


class Piece(msgspec.Struct, frozen=True):
    """A run of the spoken text: plain words, or an entry's pronunciation (`ipa` is set)."""

    text: str
    ipa: bool = False
    entry: int | None = None
    said: str = ""  # for a pronunciation: the words of the cue it stands for


def fold(text: str) -> str:
    """Lower case, one character for one (so positions in the folded text are positions in the text)."""
    return "".join(lowered if len(lowered := char.lower()) == 1 else char for char in text)


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _at_word_edges(text: str, start: int, end: int) -> bool:
    before = start == 0 or not _is_word_char(text[start - 1]) or not _is_word_char(text[start])
    after = end == len(text) or not _is_word_char(text[end]) or not _is_word_char(text[end - 1])
    return before and after


def apply_lexicon(text: str, lexicon: Lexicon, matcher: LexiconMatcher) -> list[Piece]:
    """The text with entries applied: leftmost match first, the longest at one place, then the earliest
    entry; matches never overlap and a replacement is never matched again."""
    if not lexicon.entries:
        return [Piece(text)]
    entries = lexicon.entries
    found = [
        m for m in matcher.matches(text) if not entries[m.entry].whole_word or _at_word_edges(text, m.start, m.end)
    ]
    found.sort(key=lambda m: (m.start, -(m.end - m.start), m.entry))
    pieces: list[Piece] = []
    at = 0
    for match in found:
        if match.start < at:
            continue
        entry = lexicon.entries[match.entry]
        if match.start > at:
            pieces.append(Piece(text[at : match.start]))
        said = text[match.start : match.end]
        pieces.append(Piece(entry.replace, ipa=entry.kind == "ipa", entry=match.entry, said=said))
        at = match.end
    if at < len(text):
        pieces.append(Piece(text[at:]))
    return pieces


def plain_text(pieces: Sequence[Piece]) -> str:
    return "".join(piece.text for piece in pieces)


INLINE_PHONEMES: dict[str, tuple[str, str]] = {"espeak": ("[[", "]]")}  # engines that take phonemes inline
SSML_PHONEMES = frozenset({"google"})  # engines that read SSML `<phoneme alphabet="ipa">`
SSML_OPENING, SSML_CLOSING = "<speak>", "</speak>"
_SSML_TAG = re.compile(r"<[^>]*>")


def is_ssml(text: str) -> bool:
    """Text an SSML engine is to read as SSML (`engine_text` wraps any cue text that starts so)."""
    return text.startswith(SSML_OPENING) and text.endswith(SSML_CLOSING)


def ssml_words(text: str) -> str:
    """The words of an SSML text as written (tags dropped, entities read); other text as it is."""
    return unescape(_SSML_TAG.sub("", text)) if is_ssml(text) else text


def engine_text(pieces: Sequence[Piece], lexicon: Lexicon, engine: str) -> str:
    """What the engine is sent: pronunciations in its phoneme syntax, and plain text that cannot open it."""
    if engine in SSML_PHONEMES:
        return _ssml_text(pieces)
    syntax = INLINE_PHONEMES.get(engine)
    if syntax is None and any(piece.ipa for piece in pieces):
        index = next(piece.entry for piece in pieces if piece.ipa)
        entry = lexicon.entries[index or 0]
        raise InvariantViolated(
            f"lexicon entries[{index}] ({entry.match!r}) is a pronunciation (ipa) and engine {engine!r} takes no "
            "phoneme input; give a text replacement or use a voice of an engine that does (espeak, google)",
            field=f"entries[{index}].kind",
        )
    if syntax is None:
        return plain_text(pieces)
    opening, closing = syntax
    parts = []
    for piece in pieces:
        if piece.ipa:
            parts.append(f" {opening}{piece.text}{closing} ")
        else:
            parts.append(piece.text.replace(opening, " ").replace(closing, " "))
    return "".join(parts)


def _ssml_text(pieces: Sequence[Piece]) -> str:
    """Plain text when no pronunciation is in it (and it cannot be taken for SSML); else SSML with the
    words escaped and each pronunciation a `<phoneme>` around the words it stands for."""
    plain = plain_text(pieces)
    if not any(piece.ipa for piece in pieces) and not plain.startswith(SSML_OPENING):
        return plain
    parts = [
        f'<phoneme alphabet="ipa" ph={quoteattr(piece.text)}>{escape(piece.said)}</phoneme>'
        if piece.ipa
        else escape(piece.text)
        for piece in pieces
    ]
    return SSML_OPENING + "".join(parts) + SSML_CLOSING
