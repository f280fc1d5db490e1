"""Split text into pieces of at most N UTF-8 bytes, at sentence boundaries where possible.

Google Cloud TTS limits `input.text` to 5 000 bytes (not characters: "é" is 2 bytes, "語" 3).
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?…。！？;])\s+")


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _hard_split(text: str, max_bytes: int) -> list[str]:
    """Last resort for a single over-long word: cut on character (never inside a code point) boundaries."""
    pieces: list[str] = []
    current = ""
    for char in text:
        if _size(current + char) > max_bytes:
            pieces.append(current)
            current = ""
        current += char
    if current:
        pieces.append(current)
    return pieces


def _pack(units: list[str], max_bytes: int, joiner: str) -> list[str]:
    chunks: list[str] = []
    current = ""
    for unit in units:
        candidate = f"{current}{joiner}{unit}" if current else unit
        if _size(candidate) <= max_bytes:
            current = candidate
            continue
        if current:
            chunks.append(current)
        current = unit
    if current:
        chunks.append(current)
    return chunks


def split_text(text: str, max_bytes: int = 5000) -> list[str]:
    text = text.strip()
    if _size(text) <= max_bytes:
        return [text] if text else []
    units: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        if _size(sentence) <= max_bytes:
            units.append(sentence)
            continue
        for word_chunk in _pack(sentence.split(), max_bytes, " "):
            units.extend(_hard_split(word_chunk, max_bytes) if _size(word_chunk) > max_bytes else [word_chunk])
    return _pack(units, max_bytes, " ")
