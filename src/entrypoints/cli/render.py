"""`subdub render INPUT -o OUTPUT [--media FILM --mix voiceover]`: the render use case in-process; no
server, no database. With `--media`, the voice is mixed over the film's soundtrack and, for a .mkv, .mp4
or .webm output, delivered inside the film (video copied); the voice stem is written beside it."""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

from application.audio_pipeline.delivery import MediaSources
from application.errors import ApplicationError, InvalidInput
from application.ports.speech import SynthesisFailed
from application.voice_checks import cast_voices, check_voices, default_voice
from domain.cast import Cast, checked_cast
from domain.delivery import bed_stream_for
from domain.errors import DomainError
from domain.lexicon import Lexicon
from domain.media import Media, media_kind
from domain.planner import DEFAULT_LEAD_MS
from domain.render_options import DEFAULT_VOICE, MIX_MODES, OVERFLOW_POLICIES, RENDER_FORMATS, RenderOptions
from domain.render_report import RenderReport
from domain.voices import VoiceRef

if TYPE_CHECKING:
    from entrypoints.wiring import Container

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
    parser.add_argument(
        "-o", "--output", type=Path, required=True, help="file to write (.wav .flac .ogg .mp3, or .mkv .mp4 .webm)"
    )
    parser.add_argument("--format", help=f"output format ({', '.join(RENDER_FORMATS)}); default: from the extension")
    parser.add_argument("--media", type=Path, help="the original video or audio to mix over and deliver in")
    parser.add_argument("--mix", default=None, help=f"{' | '.join(MIX_MODES)} (default voiceover with --media)")
    parser.add_argument("--music-effects", type=Path, help="music-and-effects stem the `replace` mix goes over")
    parser.add_argument("--duck-db", type=float, default=-12.0, help="the original's level under speech (-12 dB)")
    parser.add_argument(
        "--language",
        help="the dub's language tag (BCP-47, e.g. de or pt-BR): tags the dub track and picks the default voice; "
        "default: from a name like film.en.srt",
    )
    parser.add_argument("--default-track", default="dub", help="dub | original: the track players pick first")
    parser.add_argument("--source-language", help="the original's audio stream to mix over, by language")
    parser.add_argument(
        "--voice",
        help="engine:name; default: hibari:heart (neural) for English, else espeak-ng's voice of the language "
        "(espeak:en-us when the language is not known); see `subdub voices`",
    )
    parser.add_argument(
        "--cast",
        type=Path,
        help='JSON {"speakers": {"Ann": {"engine": "hibari", "name": "heart"}}, "defaults": {"en": {...}}}',
    )
    parser.add_argument("--max-speed", type=float, default=1.6, help="fastest speed-up before overflow (default 1.6)")
    parser.add_argument("--overflow", default="overlap", help=f"{' | '.join(OVERFLOW_POLICIES)} (default overlap)")
    parser.add_argument(
        "--borrow",
        "--borrow-ms",
        dest="borrow",
        default="gap",
        help='silence a cue may use after its end: "gap" (up to the next cue, default) or milliseconds',
    )
    parser.add_argument(
        "--lead-ms",
        type=int,
        default=DEFAULT_LEAD_MS,
        help=f"how early a cue may start into the silence before it (0-300, {DEFAULT_LEAD_MS})",
    )
    parser.add_argument(
        "--max-rate-step", type=float, default=0.15, help="largest speed change between a speaker's lines (0.15)"
    )
    parser.add_argument("--lufs", type=float, default=-16.0, help="target integrated loudness (default -16)")
    parser.add_argument("--sample-rate", type=int, default=24000, help="output sample rate (default 24000)")
    parser.add_argument("--report", type=Path, help="write the per-cue fit report as JSON here")
    parser.add_argument(
        "--lexicon",
        type=Path,
        help='pronunciation lexicon, JSON {"entries": [{"match", "replace", "kind", "case_sensitive", "whole_word"}]}',
    )
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


def parse_borrow(text: str) -> int | None:
    """`gap` → None (the whole silence), else whole milliseconds."""
    if text.strip().lower() == "gap":
        return None
    try:
        return int(text)
    except ValueError:
        raise UsageError(f'--borrow must be "gap" or milliseconds, not {text!r}') from None


def options_from(args: argparse.Namespace) -> RenderOptions:
    """Everything checked before any work: paths, format, options, voice syntax."""
    if not args.input.is_file():
        raise UsageError(f"input {args.input} is not a file")
    _writable_target(args.output, "output")
    if args.report is not None:
        _writable_target(args.report, "report")
    audio_format = (args.format or args.output.suffix.lstrip(".")).lower()
    if audio_format not in RENDER_FORMATS:
        shown = audio_format or "(none)"
        raise UsageError(
            f"unsupported output format {shown!r}: use {', '.join(RENDER_FORMATS)} (extension or --format)"
        )
    for media in (args.media, args.music_effects):
        if media is not None and not media.is_file():
            raise UsageError(f"media {media} is not a file")
    borrow = parse_borrow(args.borrow)
    mix: Any = args.mix or ("replace" if args.music_effects else "voiceover" if args.media else "voice")
    if args.cast is not None and not args.cast.is_file():
        raise UsageError(f"cast {args.cast} is not a file")
    from adapters.media.languages import to_bcp47  # langcodes loads its tables on import

    try:
        options = RenderOptions(
            voice=VoiceRef.parse(args.voice) if args.voice else DEFAULT_VOICE,
            format=audio_format,
            sample_rate=args.sample_rate,
            loudness_lufs=args.lufs,
            max_speed=args.max_speed,
            overflow=args.overflow,
            borrow_ms=borrow,
            lead_ms=args.lead_ms,
            max_rate_step=args.max_rate_step,
            mix=mix,
            media_id=_LOCAL_MEDIA if args.media else None,
            music_effects_id=_LOCAL_STEM if args.music_effects else None,
            duck_db=args.duck_db,
            language=args.language,
            default_track=args.default_track,
            source_language=None if args.source_language is None else to_bcp47(args.source_language),
        )
    except DomainError as exc:
        raise UsageError(exc.message) from None
    if options.with_media:
        _writable_target(_stem_path(args.output, options), "voice stem")
    return options


def read_lexicon(path: Path | None) -> Lexicon | None:
    if path is None:
        return None
    try:
        return msgspec.json.decode(path.read_bytes(), type=Lexicon)
    except OSError as exc:
        raise UsageError(f"cannot read lexicon {path}: {exc.strerror}") from None
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise UsageError(f"lexicon {path}: {exc}") from None
    except DomainError as exc:
        raise UsageError(f"lexicon {path}: {exc.message}") from None


class CastFile(msgspec.Struct, forbid_unknown_fields=True):
    speakers: dict[str, VoiceRef] = msgspec.field(default_factory=dict)
    defaults: dict[str, VoiceRef] = msgspec.field(default_factory=dict)


def read_cast(path: Path | None) -> Cast | None:
    """The cast of a JSON file (`--cast`), checked as the API checks one; None without a file."""
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


# Local files stand for the project media a server render names by id.
_LOCAL_MEDIA = UUID(int=1)
_LOCAL_STEM = UUID(int=2)


def _stem_path(output: Path, options: RenderOptions) -> Path:
    return output.with_name(f"{output.stem}.voice.{options.stem_format}")


def _local_key(path: Path) -> str:
    return str(path.resolve()).lstrip("/")


def _local_media(container: Container, args: argparse.Namespace, options: RenderOptions) -> MediaSources | None:
    """The files a render over media reads, probed as an upload would be, and checked against the options."""
    if not options.with_media:
        return None
    probe = container.voice.media_probe()

    def probed(path: Path | None, media_id: UUID) -> Media | None:
        if path is None:
            return None
        with path.open("rb") as handle:
            found = probe.probe(handle)
        return Media(
            id=media_id,
            project_id=media_id,
            role="original",
            kind=media_kind(found.streams),
            container=found.container,
            duration_ms=found.duration_ms,
            streams=found.streams,
            size_bytes=path.stat().st_size,
            filename=path.name,
            uploaded_by=media_id,
            created_at=datetime.now(UTC),
        )

    original = probed(args.media, _LOCAL_MEDIA)
    stem = probed(args.music_effects, _LOCAL_STEM)
    bed_stream = bed_stream_for(options, original, stem)
    bed = args.music_effects if options.mix == "replace" else args.media if options.mix == "voiceover" else None
    return MediaSources(
        store=container.voice.file_store(root=Path("/")),
        original_key=None if args.media is None else _local_key(args.media),
        bed_key=None if bed is None else _local_key(bed),
        bed_stream=bed_stream,
    )


async def _render(
    container: Container, args: argparse.Namespace, options: RenderOptions, lexicon: Lexicon | None
) -> int:
    from entrypoints.cli.render_display import ProgressDisplay, print_summary  # rich: imported on use

    subtitles = container.voice.subtitle_file_reader().read(args.input)
    synthesizers = container.voice.speech_synthesizers()
    language = args.language or language_of(args.input)
    if args.voice is None:
        options = msgspec.structs.replace(options, voice=await default_voice(synthesizers, language))
    cast = read_cast(args.cast)
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
    media = _local_media(container, args, options)
    render = container.voice.render_voice_over(output_store=container.voice.file_store(root=output.parent))
    started = time.perf_counter()
    stem_key = _stem_path(output, options).name if options.with_media else None
    with ProgressDisplay() as display:
        report = await render.execute(
            cues,
            options,
            output.name,
            progress=display.update,
            stem_key=stem_key,
            media=media,
            lexicon=lexicon,
        )
    texts = {cue.id: cue.text for cue in subtitles.cues}
    if args.report is not None:
        _write_report(container, args.report.resolve(), report)
    print_summary(report, str(args.output), options.format, options.sample_rate, started, texts)
    return 0


async def _render_and_close(args: argparse.Namespace, options: RenderOptions, lexicon: Lexicon | None) -> int:
    from entrypoints.wiring import bootstrap, running  # imported on use: `--help` stays fast

    async with running(bootstrap(needs_database=False).container, database=False) as container:
        return await _render(container, args, options, lexicon)


def _write_report(container: Container, path: Path, report: RenderReport) -> None:
    store = container.voice.file_store(root=path.parent)
    with store.writer(path.name) as sink:
        sink.write(msgspec.json.format(msgspec.json.encode(report), indent=2) + b"\n")


def run(args: argparse.Namespace) -> int:
    try:
        options = options_from(args)
        lexicon = read_lexicon(args.lexicon)
    except UsageError as exc:
        print(f"subdub render: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return asyncio.run(_render_and_close(args, options, lexicon))
    except InvalidInput as exc:
        print(f"subdub render: {exc.detail}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except DomainError as exc:
        print(f"subdub render: {exc.message}", file=sys.stderr)
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
