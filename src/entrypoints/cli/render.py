"""`subdub render INPUT -o OUTPUT`: the render use case in-process; no server, no database."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

import msgspec

from application.errors import ApplicationError, InvalidInput
from application.ports.speech import SynthesisFailed
from domain.errors import DomainError
from domain.render_options import AUDIO_FORMATS, OVERFLOW_POLICIES, RenderOptions
from domain.render_report import RenderReport
from domain.voices import VoiceRef
from entrypoints.cli.render_display import ProgressDisplay, print_summary
from entrypoints.wiring import Container, bootstrap, running

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """Bad arguments or paths, found before any work starts."""


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "render",
        help="render a subtitle file (SRT, WebVTT, ASS/SSA) to voice-over audio",
        description="Render a subtitle file to a voice-over track in-process (no server or database needed).",
    )
    parser.add_argument("input", type=Path, help="subtitle file (SRT, WebVTT, ASS or SSA)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="audio file to write (.wav .flac .ogg .mp3)")
    parser.add_argument("--format", help=f"output format ({', '.join(AUDIO_FORMATS)}); default: from the extension")
    parser.add_argument(
        "--voice", default="espeak:en-us", help="engine:name (default espeak:en-us); see `subdub voices`"
    )
    parser.add_argument("--max-speed", type=float, default=1.6, help="fastest speed-up before overflow (default 1.6)")
    parser.add_argument("--overflow", default="overlap", help=f"{' | '.join(OVERFLOW_POLICIES)} (default overlap)")
    parser.add_argument("--borrow-ms", type=int, default=500, help="silence a cue may borrow after its end (500)")
    parser.add_argument("--lufs", type=float, default=-16.0, help="target integrated loudness (default -16)")
    parser.add_argument("--sample-rate", type=int, default=24000, help="output sample rate (default 24000)")
    parser.add_argument("--report", type=Path, help="write the per-cue fit report as JSON here")
    parser.set_defaults(handler=run)


def _writable_target(path: Path, what: str) -> None:
    if path.is_dir():
        raise UsageError(f"{what} {path} is a directory")
    parent = path.parent
    if not parent.is_dir():
        raise UsageError(f"cannot write {what} {path}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write {what} {path}: folder {parent} is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise UsageError(f"cannot write {what} {path}: the file is read-only")


def options_from(args: argparse.Namespace) -> RenderOptions:
    """Everything checked before any work: paths, format, options, voice syntax."""
    if not args.input.is_file():
        raise UsageError(f"input {args.input} is not a file")
    _writable_target(args.output, "output")
    if args.report is not None:
        _writable_target(args.report, "report")
    audio_format = (args.format or args.output.suffix.lstrip(".")).lower()
    if audio_format not in AUDIO_FORMATS:
        shown = audio_format or "(none)"
        raise UsageError(f"unsupported output format {shown!r}: use {', '.join(AUDIO_FORMATS)} (extension or --format)")
    try:
        options = RenderOptions(
            voice=VoiceRef.parse(args.voice),
            format=audio_format,
            sample_rate=args.sample_rate,
            loudness_lufs=args.lufs,
            max_speed=args.max_speed,
            overflow=args.overflow,
            borrow_ms=args.borrow_ms,
        )
    except DomainError as exc:
        raise UsageError(exc.message) from None
    return options


async def _render(container: Container, args: argparse.Namespace, options: RenderOptions) -> int:
    subtitles = container.voice.subtitle_file_reader().read(args.input)
    for warning in subtitles.warnings[:5]:
        print(f"subdub: {args.input.name}: {warning}", file=sys.stderr)
    if len(subtitles.warnings) > 5:
        print(f"subdub: … and {len(subtitles.warnings) - 5} more warnings", file=sys.stderr)
    output = args.output.resolve()
    render = container.voice.render_voice_over(output_store=container.voice.file_store(root=output.parent))
    started = time.perf_counter()
    with ProgressDisplay() as display:
        report = await render.execute(subtitles.cues, options, output.name, progress=display.update)
    texts = {cue.id: cue.text for cue in subtitles.cues}
    if args.report is not None:
        _write_report(container, args.report.resolve(), report)
    print_summary(report, str(args.output), options.format, options.sample_rate, started, texts)
    return 0


async def _render_and_close(args: argparse.Namespace, options: RenderOptions) -> int:
    async with running(bootstrap(needs_database=False).container, database=False) as container:
        return await _render(container, args, options)


def _write_report(container: Container, path: Path, report: RenderReport) -> None:
    store = container.voice.file_store(root=path.parent)
    with store.writer(path.name) as sink:
        sink.write(msgspec.json.format(msgspec.json.encode(report), indent=2) + b"\n")


def run(args: argparse.Namespace) -> int:
    try:
        options = options_from(args)
    except UsageError as exc:
        print(f"subdub render: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return asyncio.run(_render_and_close(args, options))
    except InvalidInput as exc:
        print(f"subdub render: {exc.detail}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except SynthesisFailed as exc:
        print(f"subdub render: speech synthesis failed: {exc.detail}", file=sys.stderr)
        return EXIT_FAILED
    except ApplicationError as exc:
        print(f"subdub render: {exc.detail}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:
        print(f"subdub render: cannot write the output: {exc}", file=sys.stderr)
        return EXIT_FAILED
