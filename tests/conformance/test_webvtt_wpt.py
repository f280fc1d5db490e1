"""web-platform-tests WebVTT file parsing, run against subdub's WebVTT reader.

Deliberate deviations (assertions not checked, or checked differently):
- cue settings (`align`, `line`, `lineAlign`, `vertical`, `size`, `position`, `positionAlign`,
  `snapToLines`), regions and style sheets: subdub keeps no positions or styles, so those assertions are
  skipped; the cue counts of those files (13 to 36 cues with every kind of valid and invalid setting,
  a 10 000-character settings line, REGION blocks) are checked like any other;
- the spec parser (`repair=False`) must match every cue assertion exactly; the reader uploads use
  (`repair=True`) may keep more cues: a timing the spec rejects but a lenient reading understands
  (`00:00:00.00`, `00:00:00`) keeps its cue with a warning naming its line. Every such extra cue must
  be one of those warnings; every cue the spec keeps must still be there, in order;
- newlines.test: its cues are not separated by blank lines, so the spec algorithm (and WPT's own
  reference parser, tools/parser.py) reads `lf`, `crlf` and `lfcr` as cue text, not as the next cue's
  identifier the assertions expect; its cue count is checked, its identifiers and texts are not.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from adapters.subtitles.vtt_reader import VttCue, parse_vtt

FOLDER = Path(__file__).parent / "webvtt_wpt"
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|[trnfv0]|\n)")
_SIMPLE = {"t": "\t", "r": "\r", "n": "\n", "f": "\f", "v": "\v", "0": "\x00", "\n": ""}
_COUNT = re.compile(r"assert_equals\(cues\.length, (\d+)")
_FIELD = re.compile(r"assert_equals\((?:cues\[(\d+)\]|cue)\.(\w+), (.+?)\);")
_VAR_CUE = re.compile(r"var cue = cues\[(\d+)\];")
_CHECKED = {"id", "text", "startTime", "endTime"}
_COUNT_ONLY = {"newlines"}
# Assertions written as loops in the .test files, transcribed: (text, start s, end s) per cue.
_LOOPS = {
    "timings-negative": [("text1", 0, 0), ("text2", 1, 0.999), ("text3", 60, 59.999), ("text4", 3600, 3599.999)],
    "timings-omitted-hours": [("text1", 0, 1), ("text2", 0, 1), ("text3", 0, 1)],
}


def _unescape(vtt: str) -> str:
    """The escapes of WPT's .test files (`\\0` is one NUL, never an octal escape)."""

    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "xu":
            return chr(int(code[1:], 16))
        return _SIMPLE[code]

    return _ESCAPE.sub(replace, vtt)


def _js_value(literal: str) -> object:
    literal = literal.strip()
    if literal[0] in "'\"":
        return json.loads('"' + literal[1:-1].replace('"', '\\"') + '"')
    return float(literal) if "." in literal else int(literal)


def load(name: str) -> tuple[str, int | None, dict[int, dict[str, object]]]:
    source = (FOLDER / f"{name}.test").read_text()
    assertions, vtt = source.split("\n\n", 1)[1].split("===\n", 1)
    count = _COUNT.search(assertions)
    expected: dict[int, dict[str, object]] = {}
    current = None
    for line in assertions.split("\n"):
        var = _VAR_CUE.search(line)
        if var:
            current = int(var.group(1))
        field = _FIELD.search(line)
        if name in _LOOPS:
            continue
        if field and field.group(2) in _CHECKED:
            index = int(field.group(1)) if field.group(1) is not None else current
            assert index is not None
            expected.setdefault(index, {})[field.group(2)] = _js_value(field.group(3))
    for index, (text, start, end) in enumerate(_LOOPS.get(name, [])):
        expected[index] = {"text": text, "startTime": start, "endTime": end}
    return _unescape(vtt), None if count is None else int(count.group(1)), expected


def _as_wpt(cue: VttCue) -> dict[str, object]:
    return {"id": cue.identifier, "text": cue.text, "startTime": cue.start_ms / 1000, "endTime": cue.end_ms / 1000}


NAMES = sorted(p.stem for p in FOLDER.glob("*.test"))


@pytest.mark.parametrize("name", NAMES)
def test_the_spec_parser_meets_every_cue_assertion(name: str) -> None:
    vtt, count, expected = load(name)
    parsed = parse_vtt(vtt, repair=False)
    assert parsed is not None
    if count is not None:
        assert len(parsed.vtt_cues) == count
    for index, fields in expected.items():
        if name in _COUNT_ONLY:
            break
        actual = _as_wpt(parsed.vtt_cues[index])
        assert {key: actual[key] for key in fields} == fields, f"cue {index}"


@pytest.mark.parametrize("name", NAMES)
def test_uploads_keep_every_spec_cue_and_add_only_warned_repairs(name: str) -> None:
    vtt, _, _ = load(name)
    spec = parse_vtt(vtt, repair=False)
    lenient = parse_vtt(vtt, repair=True)
    assert spec is not None and lenient is not None
    spec_lines = [cue.line for cue in spec.vtt_cues]
    assert [cue.line for cue in lenient.vtt_cues if cue.line in spec_lines] == spec_lines
    extra = {cue.line for cue in lenient.vtt_cues} - set(spec_lines)
    assert extra == {repair.line for repair in lenient.repairs}


def test_the_suite_is_here() -> None:
    assert len(NAMES) == 24  # every file of WPT's webvtt/parsing/file-parsing/support
