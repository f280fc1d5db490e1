from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.tts.text_chunks import split_text


def test_short_text_is_one_chunk() -> None:
    assert split_text("  Hello there.  ") == ["Hello there."]
    assert split_text("   ") == []


def test_limits_count_bytes_not_characters() -> None:
    text = "語" * 2000  # 2 000 characters, 6 000 bytes, no spaces or sentence ends
    chunks = split_text(text, 5000)
    assert len(chunks) == 2
    assert all(len(c.encode()) <= 5000 for c in chunks)
    assert "".join(chunks) == text


def test_cuts_fall_at_sentence_ends_when_there_are_some() -> None:
    text = " ".join(f"Sentence number {i} ends here." for i in range(400))
    chunks = split_text(text, 1000)
    assert all(c.endswith("here.") for c in chunks)
    assert " ".join(chunks) == text


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=1500), st.integers(min_value=8, max_value=600))
def test_every_chunk_fits_and_nothing_is_lost(text: str, limit: int) -> None:
    chunks = split_text(text, limit)
    assert all(0 < len(c.encode()) <= limit for c in chunks)
    assert "".join("".join(c.split()) for c in chunks) == "".join(text.split())
