"""`subdub voices`: the voices each speech engine offers (offline engines need nothing configured)."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("voices", help="list the voices `subdub render --voice` accepts")
    parser.add_argument("--engine", help="only this engine (e.g. espeak)")
    parser.add_argument("--language", help="only voices whose language starts with this (e.g. en, pt-br)")
    parser.set_defaults(handler=run)


async def _list(args: argparse.Namespace) -> int:
    from entrypoints.wiring import bootstrap, running  # imported on use: `--help` stays fast

    async with running(bootstrap(needs_database=False).container, database=False) as container:
        shown = 0
        for engine, synthesizer in sorted(container.voice.speech_synthesizers().items()):
            if args.engine and engine != args.engine:
                continue
            for voice in await synthesizer.list_voices():
                if args.language and not voice.language.lower().startswith(args.language.lower()):
                    continue
                gender, tier = voice.gender or "-", voice.tier or "-"
                ref = f"{voice.engine}:{voice.name}"
                print(f"{ref:<32} {voice.language:<16} {gender:<7} {tier:<8} {voice.sample_rate} Hz")
                shown += 1
        if not shown:
            print("no voice matches")
        return 0


def run(args: argparse.Namespace) -> int:
    return asyncio.run(_list(args))
