"""The last-write-wins rule of offline sync, property-tested."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from domain.subtitles import Cue
from domain.sync import CueChange, CueVersion, Outcome, merge, resolve

CUE_ID = UUID("0190f0f0-0000-7000-8000-000000000001")
BASE = datetime(2026, 11, 21, tzinfo=UTC)

timestamps = st.integers(0, 5).map(lambda s: BASE + timedelta(seconds=s))  # few values: many ties
versions = st.builds(
    lambda start, length, text, at, deleted: CueVersion(
        cue=Cue.create(id=CUE_ID, start_ms=start, end_ms=start + length, text=text, updated_at=at), deleted=deleted
    ),
    st.integers(0, 3),
    st.integers(1, 3),
    st.sampled_from(["a", "b", "c"]),
    timestamps,
    st.booleans(),
)


def fold(history: list[CueVersion]) -> CueVersion | None:
    state: CueVersion | None = None
    for version in history:
        state = resolve(state, version).version
    return state


# covers: S-SYNC-3
@given(history=st.lists(versions, min_size=1, max_size=8), data=st.data())
def test_every_arrival_order_converges_to_the_highest_rank(history: list[CueVersion], data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(history))
    assert fold(history) == fold(list(shuffled)) == max(history, key=lambda v: v.rank)


# covers: S-SYNC-3
@given(server=versions, incoming=versions)
def test_outcome_follows_the_rank(server: CueVersion, incoming: CueVersion) -> None:
    result = resolve(server, incoming)
    if incoming.rank > server.rank:
        assert result.outcome is Outcome.APPLIED
        assert result.version == incoming
    elif incoming.rank == server.rank:
        assert result.outcome is Outcome.UNCHANGED
        assert result.version == server
    else:
        assert result.outcome is Outcome.STALE
        assert result.version == server


def test_later_write_wins_and_earlier_loses() -> None:
    server = CueVersion(cue=Cue.create(id=CUE_ID, start_ms=0, end_ms=10, text="server", updated_at=BASE))
    newer = CueChange(id=CUE_ID, text="client", updated_at=BASE + timedelta(seconds=1))
    older = CueChange(id=CUE_ID, text="client", updated_at=BASE - timedelta(seconds=1))
    applied = merge(server, newer)
    assert applied.outcome is Outcome.APPLIED
    assert applied.version is not None
    assert (applied.version.cue.text, applied.version.cue.end_ms) == ("client", 10)
    assert merge(server, older).outcome is Outcome.STALE


def test_on_a_tie_a_deletion_beats_an_edit() -> None:
    server = CueVersion(cue=Cue.create(id=CUE_ID, start_ms=0, end_ms=10, text="x", updated_at=BASE))
    deletion = merge(server, CueChange(id=CUE_ID, deleted=True, updated_at=BASE))
    assert deletion.outcome is Outcome.APPLIED
    assert deletion.version is not None
    assert deletion.version.deleted
    edit = merge(deletion.version, CueChange(id=CUE_ID, text="y", updated_at=BASE))
    assert edit.outcome is Outcome.STALE


def test_replaying_a_change_is_unchanged() -> None:
    change = CueChange(id=CUE_ID, start_ms=1, end_ms=2, text="t", updated_at=BASE)
    first = merge(None, change)
    assert first.outcome is Outcome.APPLIED
    assert merge(first.version, change).outcome is Outcome.UNCHANGED


def test_deleting_an_unknown_cue_is_a_no_op() -> None:
    result = merge(None, CueChange(id=CUE_ID, deleted=True, updated_at=BASE))
    assert result.outcome is Outcome.DELETED_UNKNOWN
    assert result.version is None
