"""`subdub doctor` lists each external provider: disabled, or its breaker state (S-EXT-3)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.db


def test_doctor_shows_every_provider_and_stays_ok(database_url: str, tmp_path: Path) -> None:
    # covers: S-EXT-3
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SUBDUB_ENV": "test",
        "SUBDUB_DATA_DIR": str(tmp_path),
        "SUBDUB_JWT_SECRET": "x" * 48,
        "DATABASE_URL": database_url,
        "OPENSUBTITLES_API_KEY": "configured-but-never-called",
        "DAILYMOTION_ENABLED": "false",
    }
    result = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli.main", "doctor"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines()[1:] if line.strip()}
    assert "overall: ok" in result.stdout
    assert "ok" in lines["opensubtitles"]
    assert "breaker=closed" in lines["opensubtitles"]
    assert "disabled" in lines["dailymotion"]
    assert "disabled" in lines["google_tts"]
    assert "in-process" in lines["cache"]
    assert "configured-but-never-called" not in result.stdout + result.stderr
