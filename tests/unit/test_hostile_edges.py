"""Edges of the HTTP layer that hostile input reaches: byte ranges, the unexpected-error log, stored strings."""

from __future__ import annotations

import pytest

from domain.errors import InvariantViolated
from domain.text import check_plain
from entrypoints.http.byte_ranges import Unsatisfiable, parse_range
from entrypoints.http.error_log import ThrottledErrorLog


def test_a_range_with_thousands_of_digits_is_ignored_not_a_crash() -> None:
    # covers: S-API-3
    assert parse_range("bytes=" + "9" * 5000 + "-", 1000) is None
    assert parse_range("bytes=0-" + "9" * 5000, 1000) is None
    assert parse_range("bytes=-" + "9" * 5000, 1000) is None
    assert parse_range("bytes=10-19", 1000) == (10, 19)
    with pytest.raises(Unsatisfiable):
        parse_range("bytes=999999999999999999-", 1000)


class Recorder:
    def __init__(self) -> None:
        self.lines: list[dict[str, object]] = []

    def error(self, event: str, **fields: object) -> None:
        self.lines.append({"event": event, **fields})


def _raise(kind: type[Exception]) -> Exception:
    try:
        raise kind("boom")
    except Exception as exc:
        return exc


def test_unexpected_errors_log_one_traceback_per_distinct_error_per_minute() -> None:
    # covers: S-OBS-1
    now = [0.0]
    log = Recorder()
    errors = ThrottledErrorLog(log, event="request.unhandled_error", interval_s=60, clock=lambda: now[0])
    written = [errors.report(_raise(RuntimeError)) for _ in range(100)]
    assert written == [True] + [False] * 99
    assert errors.report(_raise(KeyError)) is True  # another error has its own allowance
    now[0] = 61.0
    assert errors.report(_raise(RuntimeError)) is True
    assert len(log.lines) == 3
    assert log.lines[-1]["repeats_suppressed"] == 99
    assert all(line["exc_info"] for line in log.lines)


@pytest.mark.parametrize("value", ["a\x00b", "bell\x07", "esc\x1b[0m", "del\x7f"])
def test_stored_strings_refuse_control_characters(value: str) -> None:
    # covers: S-SEC-1
    with pytest.raises(InvariantViolated) as refused:
        check_plain(value, field="name", max_chars=100)
    assert refused.value.field == "name"


def test_multiline_text_keeps_tabs_and_line_breaks_but_not_nul() -> None:
    assert check_plain("one\ntwo\tthree\r\n", field="text", max_chars=100, multiline=True)
    with pytest.raises(InvariantViolated):
        check_plain("one\x00", field="text", max_chars=100, multiline=True)
    with pytest.raises(InvariantViolated):
        check_plain("x" * 101, field="text", max_chars=100)
