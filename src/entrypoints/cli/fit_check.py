"""`subdub fit-check INPUT`: how each cue of a subtitle file would fit, without synthesizing anything."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

import msgspec

from application.errors import ApplicationError, InvalidInput
from application.use_cases.renders.fit_check import FitForecast, FitForecaster
from application.voice_checks import cast_voices
from domain.errors import DomainError
from domain.planner import DEFAULT_LEAD_MS
from domain.render_options import OVERFLOW_POLICIES, RenderOptions
from domain.voices import VoiceRef
from entrypoints.cli.render import EXIT_BAD_INPUT, EXIT_FAILED, UsageError, language_of, parse_borrow, read_cast


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "fit-check",
        help="predict how each cue of a subtitle file would fit (speed, overflow), synthesizing nothing",
        description="Predict each cue's natural length (cached clips, else the voice's speaking rate), plan the "
        "track as a render would and show the cues that would be sped up or overflow.",
    )
    parser.add_argument("input", type=Path, help="subtitle file (SRT, WebVTT, ASS or SSA)")
    parser.add_argument("--voice", default="espeak:en-us", help="engine:name (default espeak:en-us)")
    parser.add_argument("--language", help="the track's language (default: from the file name, film.en.srt)")
    parser.add_argument("--cast", type=Path, help="a JSON cast, as for `subdub render --cast`")
    parser.add_argument("--max-speed", type=float, default=1.6, help="fastest speed-up before overflow (1.6)")
    parser.add_argument("--overflow", default="overlap", help=f"{' | '.join(OVERFLOW_POLICIES)} (default overlap)")
    parser.add_argument("--borrow", default="gap", help='"gap" (default) or milliseconds of silence after a cue')
    parser.add_argument(
        "--lead-ms",
        type=int,
        default=DEFAULT_LEAD_MS,
        help=f"how early a cue may start into the silence before it (0-300, {DEFAULT_LEAD_MS})",
    )
    parser.add_argument("--max-rate-step", type=float, default=0.15, help="largest speed change between neighbours")
    parser.add_argument("--sample-rate", type=int, default=24000, help="the render's sample rate (finds its clips)")
    parser.add_argument("--json", action="store_true", help="print the whole forecast as JSON")
    parser.set_defaults(handler=run)


def _options(args: argparse.Namespace) -> RenderOptions:
    if not args.input.is_file():
        raise UsageError(f"input {args.input} is not a file")
    if args.cast is not None and not args.cast.is_file():
        raise UsageError(f"cast {args.cast} is not a file")
    borrow = parse_borrow(args.borrow)
    try:
        return RenderOptions(
            voice=VoiceRef.parse(args.voice),
            sample_rate=args.sample_rate,
            max_speed=args.max_speed,
            overflow=args.overflow,
            borrow_ms=borrow,
            lead_ms=args.lead_ms,
            max_rate_step=args.max_rate_step,
        )
    except DomainError as exc:
        raise UsageError(exc.message) from None


async def _check(args: argparse.Namespace, options: RenderOptions) -> FitForecast:
    from entrypoints.wiring import bootstrap, running  # imported on use: `--help` stays fast

    async with running(bootstrap(needs_database=False).container, database=False) as container:
        subtitles = container.voice.subtitle_file_reader().read(args.input)
        forecaster: FitForecaster = container.renders.fit_forecaster()
        # each cue's voice as a render chooses it: its own, its speaker's in the cast, the cast's
        # default for the language, else --voice
        language = args.language or language_of(args.input)
        cues, _ = cast_voices(list(subtitles.cues), read_cast(args.cast), language, options.voice)
        return await forecaster.forecast(cues, options, {})


def _print(forecast: FitForecast) -> None:
    from entrypoints.cli.render_display import timestamp  # rich: imported on use

    totals = forecast.totals
    print(
        f"{totals.cues} cues ({forecast.measured} measured from cached clips, the rest predicted): "
        f"{totals.fit} fit, {totals.sped_up} sped up, {totals.compressed} compressed, {totals.overlap} overlap, "
        f"{totals.truncated} truncated; max speed {totals.max_speed_used:.2f}x"
    )
    for cue in forecast.cues:
        if cue.action != "fit":
            print(
                f"  cue {cue.id:>5} {timestamp(cue.start_ms)}  {cue.action:<10} speed {cue.speed:.2f}x  "
                f"overflow {cue.overflow_ms} ms  ({cue.why})"
            )


def run(args: argparse.Namespace) -> int:
    try:
        options = _options(args)
    except UsageError as exc:
        print(f"subdub fit-check: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        forecast = asyncio.run(_check(args, options))
    except InvalidInput as exc:
        print(f"subdub fit-check: {exc.detail}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ApplicationError as exc:
        print(f"subdub fit-check: {exc.detail}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        sys.stdout.write(msgspec.json.format(msgspec.json.encode(forecast), indent=2).decode() + "\n")
    else:
        _print(forecast)
    return 0
