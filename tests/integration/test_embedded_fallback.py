"""The embedded server falls back to the machine's PostgreSQL binaries, and says so when neither works."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

from adapters.postgres import embedded


def _fail(*_: object) -> str:
    raise RuntimeError("pgserver unavailable")


@pytest.mark.slow
def test_falls_back_to_system_binaries_as_an_unprivileged_user(monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        bin_dir = embedded._system_bin_dir()
    except embedded.EmbeddedDatabaseError:
        pytest.skip("no PostgreSQL binaries on this machine")
    monkeypatch.setattr(embedded, "_start_with_pgserver", _fail)
    data_dir = Path(tempfile.mkdtemp(prefix="subdub-fallback-"))  # outside root-only pytest dirs
    data_dir.chmod(0o755)
    try:
        url = embedded.start_embedded_postgres(data_dir)
        with psycopg.connect(url) as conn:
            user = conn.execute("SELECT current_user").fetchone()
        assert user == ("postgres",)
        assert (data_dir / "pg-system" / "data" / "PG_VERSION").exists()
    finally:
        data = data_dir / "pg-system" / "data"
        if (data / "postmaster.pid").exists():
            subprocess.run(
                embedded._as_unprivileged([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
                check=False,
                capture_output=True,
            )
        shutil.rmtree(data_dir, ignore_errors=True)


def test_a_clear_message_when_neither_works(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(embedded, "_start_with_pgserver", _fail)

    def no_binaries() -> Path:
        raise embedded.EmbeddedDatabaseError("no PostgreSQL binaries (initdb, pg_ctl) found on this machine")

    monkeypatch.setattr(embedded, "_system_bin_dir", no_binaries)
    with pytest.raises(embedded.EmbeddedDatabaseError) as caught:
        embedded.start_embedded_postgres(tmp_path)
    message = str(caught.value)
    assert "pgserver unavailable" in message
    assert "no PostgreSQL binaries" in message
    assert "DATABASE_URL" in message
