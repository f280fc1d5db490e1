"""`subdub render INPUT -o OUTPUT`: the render use case in-process; no server, no database."""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import msgspec

from application.errors import ApplicationError, InvalidInput
from application.ports.speech import SynthesisFailed
from application.voice_checks import cast_voices, check_voices, default_voice
from domain.cast import Cast, checked_cast
from domain.errors import DomainError
from domain.render_options import AUDIO_FORMATS, DEFAULT_VOICE, OVERFLOW_POLICIES, RenderOptions
from domain.render_report import RenderReport
from domain.voices import VoiceRef
from entrypoints.cli.render_display import ProgressDisplay, print_summary
from entrypoints.container import Container, close_engines
from entrypoints.runtime import bootstrap

LANGUAGE_IN_NAME = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")
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
        "--voice",
        help="engine:name; default: hibari:heart (neural) for English, else espeak-ng's voice of the language "
        "(espeak:en-us when the language is not known); see `subdub voices`",
    )
    parser.add_argument(
        "--language", help="the track's language (e.g. en, pt-BR); default: from a name like film.en.srt"
    )
    parser.add_argument(
        "--cast",
        type=Path,
        help='JSON {"speakers": {"Ann": {"engine": "hibari", "name": "heart"}}, "defaults": {"en": {...}}}',
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
    if args.cast is not None and not args.cast.is_file():
        raise UsageError(f"cast {args.cast} is not a file")
    try:
        options = RenderOptions(
            voice=VoiceRef.parse(args.voice) if args.voice else DEFAULT_VOICE,
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


class CastFile(msgspec.Struct, forbid_unknown_fields=True):
    speakers: dict[str, VoiceRef] = msgspec.field(default_factory=dict)
    defaults: dict[str, VoiceRef] = msgspec.field(default_factory=dict)


def _cast(path: Path | None) -> Cast | None:
    if path is None:
        return None
    try:
        parsed = msgspec.json.decode(path.read_bytes(), type=CastFile)
        return checked_cast(parsed.speakers, parsed.defaults)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise InvalidInput(f"cast {path.name}: {exc}") from None
    except DomainError as exc:
        raise InvalidInput(f"cast {path.name}: {exc.message}") from None


def language_of(path: Path) -> str | None:
    """`film.en.srt`, `film.pt-BR.vtt` → the tag before the extension (the usual naming of subtitle files)."""
    parts = path.name.split(".")
    tag = parts[-2] if len(parts) >= 3 else ""
    return tag if LANGUAGE_IN_NAME.match(tag) else None


async def _render(container: Container, args: argparse.Namespace, options: RenderOptions) -> int:
    subtitles = container.subtitle_file_reader().read(args.input)
    synthesizers = container.speech_synthesizers()
    language = args.language or language_of(args.input)
    if args.voice is None:
        options = msgspec.structs.replace(options, voice=await default_voice(synthesizers, language))
    cast = _cast(args.cast)
    cues, uses = cast_voices(list(subtitles.cues), cast, language, options.voice)
    # the file is read now, so every entry is checked, used or not (as the API checks a cast it saves)
    listed = [
        (f"cast.{field}", ref, field.removeprefix("defaults.") if field.startswith("defaults.") else None)
        for field, ref in (cast.entries() if cast else [])
    ]
    await check_voices(synthesizers, [*uses, *listed])
    for warning in subtitles.warnings[:5]:
        print(f"subdub: {args.input.name}: {warning}", file=sys.stderr)
    if len(subtitles.warnings) > 5:
        print(f"subdub: … and {len(subtitles.warnings) - 5} more warnings", file=sys.stderr)
    output = args.output.resolve()
    render = container.render_voice_over(output_store=container.file_store(root=output.parent))
    started = time.perf_counter()
    with ProgressDisplay() as display:
        report = await render.execute(cues, options, output.name, progress=display.update)
    texts = {cue.id: cue.text for cue in subtitles.cues}
    if args.report is not None:
        _write_report(container, args.report.resolve(), report)
    print_summary(report, str(args.output), options.format, options.sample_rate, started, texts)
    return 0


async def _render_and_close(container: Container, args: argparse.Namespace, options: RenderOptions) -> int:
    try:
        return await _render(container, args, options)
    finally:
        await container.external().aclose()  # the HTTP clients of external engines (Google), if any


def _write_report(container: Container, path: Path, report: RenderReport) -> None:
    store = container.file_store(root=path.parent)
    with store.writer(path.name) as sink:
        sink.write(msgspec.json.format(msgspec.json.encode(report), indent=2) + b"\n")


def run(args: argparse.Namespace) -> int:
    try:
        options = options_from(args)
    except UsageError as exc:
        print(f"subdub render: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    container = bootstrap(needs_database=False).container
    try:
        return asyncio.run(_render_and_close(container, args, options))
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
    finally:
        close_engines(container)
