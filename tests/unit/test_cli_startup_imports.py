"""`subdub --help` and every sub-command's `--help` answer without loading the server, the job queue, the
engines or the audio stack: those are imported by the command that runs, when it runs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "litestar",
    "uvicorn",
    "procrastinate",
    "onnxruntime",
    "hibari",
    "scipy",
    "numpy",
    "av",
    "soundfile",
    "pyloudnorm",
    "psycopg",
    "redis",
    "dependency_injector",
    "pydantic_settings",
    "rich",
    "structlog",
    "entrypoints.wiring",
)

PROBE = """
import json, sys
from entrypoints.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in {heavy} or name in {heavy})))
"""


def modules_loaded_by(*argv: str) -> list[str]:
    code = PROBE.format(heavy=set(HEAVY))
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=120, check=True)
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


@pytest.mark.parametrize(
    "argv",
    [
        ("--help",),
        ("render", "--help"),
        ("fit-check", "--help"),
        ("voices", "--help"),
        ("serve", "--help"),
        ("worker", "--help"),
        ("migrate", "--help"),
        ("users", "--help"),
        ("cache", "--help"),
        ("videos", "--help"),
    ],
)
def test_help_loads_none_of_the_heavy_modules(argv: tuple[str, ...]) -> None:
    assert modules_loaded_by(*argv) == []
