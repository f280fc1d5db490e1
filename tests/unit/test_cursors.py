"""One opaque cursor format for every list (S-API-5): positions round-trip, anything else is refused."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from entrypoints.http.pagination import InvalidCursor, decode_cursor, encode_cursor, keyset_page, position_of


# covers: S-API-5
def test_a_position_round_trips_and_is_opaque() -> None:
    cue_id = uuid4()
    cursor = encode_cursor(1500, cue_id)
    assert decode_cursor(cursor, tuple[int, UUID]) == (1500, cue_id)
    assert str(cue_id) not in cursor and "1500" not in cursor
    assert position_of(encode_cursor(cue_id), UUID) == cue_id
    assert position_of(None, UUID) is None


@pytest.mark.parametrize("cursor", ["%%%", "bm90LWEtY3Vyc29y", encode_cursor("not-a-uuid"), encode_cursor(1, 2)])
def test_a_cursor_this_api_did_not_hand_out_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursor) as caught:
        position_of(cursor, UUID)
    assert caught.value.code == "invalid_cursor"


def test_a_keyset_page_has_a_next_cursor_only_when_an_extra_row_came_back() -> None:
    rows = [1, 2, 3]
    full = keyset_page(rows, 2, str, lambda row: (row,))
    assert full.data == ["1", "2"]
    assert full.meta.next_cursor is not None and decode_cursor(full.meta.next_cursor, tuple[int]) == (2,)
    last = keyset_page(rows, 3, str, lambda row: (row,))
    assert last.data == ["1", "2", "3"] and last.meta.next_cursor is None
