"""Which writing systems a voice's language reads, to flag text a voice cannot speak (e.g. CJK for English)."""

from __future__ import annotations

import unicodedata
from collections import Counter

# Unicode character-name prefixes → script. Latin is read (or spelled) by every voice, so it is never flagged.
_SCRIPT_PREFIXES = (
    ("CJK", "Han"),
    ("HIRAGANA", "Kana"),
    ("KATAKANA", "Kana"),
    ("HANGUL", "Hangul"),
    ("CYRILLIC", "Cyrillic"),
    ("GREEK", "Greek"),
    ("ARABIC", "Arabic"),
    ("HEBREW", "Hebrew"),
    ("DEVANAGARI", "Devanagari"),
    ("BENGALI", "Bengali"),
    ("TAMIL", "Tamil"),
    ("TELUGU", "Telugu"),
    ("THAI", "Thai"),
    ("GEORGIAN", "Georgian"),
    ("ARMENIAN", "Armenian"),
    ("ETHIOPIC", "Ethiopic"),
)

# language prefix (as in BCP 47 / espeak codes) → scripts its voices read besides Latin
_LANGUAGE_SCRIPTS: dict[str, frozenset[str]] = {
    "zh": frozenset({"Han"}),
    "cmn": frozenset({"Han"}),
    "yue": frozenset({"Han"}),
    "hak": frozenset({"Han"}),
    "ja": frozenset({"Han", "Kana"}),
    "ko": frozenset({"Hangul", "Han"}),
    "ru": frozenset({"Cyrillic"}),
    "uk": frozenset({"Cyrillic"}),
    "be": frozenset({"Cyrillic"}),
    "bg": frozenset({"Cyrillic"}),
    "sr": frozenset({"Cyrillic"}),
    "mk": frozenset({"Cyrillic"}),
    "kk": frozenset({"Cyrillic"}),
    "ky": frozenset({"Cyrillic"}),
    "tt": frozenset({"Cyrillic"}),
    "ba": frozenset({"Cyrillic"}),
    "cv": frozenset({"Cyrillic"}),
    "el": frozenset({"Greek"}),
    "grc": frozenset({"Greek"}),
    "ar": frozenset({"Arabic"}),
    "fa": frozenset({"Arabic"}),
    "ur": frozenset({"Arabic"}),
    "he": frozenset({"Hebrew"}),
    "hi": frozenset({"Devanagari"}),
    "mr": frozenset({"Devanagari"}),
    "ne": frozenset({"Devanagari"}),
    "bn": frozenset({"Bengali"}),
    "ta": frozenset({"Tamil"}),
    "te": frozenset({"Telugu"}),
    "th": frozenset({"Thai"}),
    "ka": frozenset({"Georgian"}),
    "hy": frozenset({"Armenian"}),
    "am": frozenset({"Ethiopic"}),
}


def _script_of(char: str) -> str | None:
    name = unicodedata.name(char, "")
    for prefix, script in _SCRIPT_PREFIXES:
        if name.startswith(prefix):
            return script
    return None


def unreadable_scripts(text: str, language: str) -> list[str]:
    """Non-Latin scripts in `text` that a voice for `language` does not read, most frequent first.

    Unknown languages read only Latin (the conservative choice: flag rather than stay silent).
    """
    base = language.lower().replace("_", "-").split("-")[0]
    readable = _LANGUAGE_SCRIPTS.get(base, frozenset())
    letters = (char for char in text if not char.isascii() and char.isalpha())  # ASCII is Latin: never flagged
    counts = Counter(script for char in letters if (script := _script_of(char)) is not None)
    return [script for script, _ in counts.most_common() if script not in readable]
