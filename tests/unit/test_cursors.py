"""One opaque cursor format for every list (S-API-5): positions round-trip, anything else is refused."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from application.pagination import PageOf, PageRequest, page_from
from application.ports.projects import RosterKey
from application.ports.tracks import CueKey
from entrypoints.http.pagination import (
    InvalidCursor,
    ListIndex,
    decode_cursor,
    encode_cursor,
    page_out,
    page_request,
)


# covers: S-API-5
def test_a_position_round_trips_and_is_opaque() -> None:
    cue_id = uuid4()
    cursor = encode_cursor(CueKey(start_ms=1500, id=cue_id))
    assert decode_cursor(cursor, tuple[int, UUID]) == (1500, cue_id)  # the same format as any tuple
    assert page_request(50, cursor, CueKey).after == CueKey(start_ms=1500, id=cue_id)
    assert str(cue_id) not in cursor and "1500" not in cursor
    assert page_request(50, encode_cursor(cue_id), UUID).after == cue_id
    assert page_request(50, encode_cursor(RosterKey(True, cue_id)), RosterKey).after == RosterKey(True, cue_id)
    assert page_request(50, None, UUID) == PageRequest(limit=50)


@pytest.mark.parametrize("cursor", ["%%%", "bm90LWEtY3Vyc29y", encode_cursor("not-a-uuid"), encode_cursor((1, 2))])
@pytest.mark.parametrize("key", [UUID, CueKey, RosterKey])
def test_a_cursor_this_api_did_not_hand_out_is_refused(cursor: str, key: type) -> None:
    with pytest.raises(InvalidCursor) as caught:
        page_request(50, cursor, key)
    assert caught.value.code == "invalid_cursor"


def test_a_page_has_a_next_position_only_when_an_extra_row_came_back() -> None:
    rows = [1, 2, 3]
    full = page_from(rows, PageRequest(limit=2), lambda row: row)
    assert full == PageOf(items=[1, 2], next_after=2)
    assert page_from(rows, PageRequest(limit=3), lambda row: row) == PageOf(items=[1, 2, 3])
    answer = page_out(full, 2, str)
    assert answer.data == ["1", "2"]
    assert answer.meta.next_cursor is not None and page_request(2, answer.meta.next_cursor, int).after == 2
    assert page_out(PageOf(items=[3]), 2, str).meta.next_cursor is None


def test_a_forged_report_position_is_refused_before_it_reaches_the_database() -> None:
    assert page_request(10, encode_cursor(7), ListIndex).after == 7
    for forged in (-1, 2**40):
        with pytest.raises(InvalidCursor):
            page_request(10, encode_cursor(forged), ListIndex)
