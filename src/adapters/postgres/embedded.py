"""A private PostgreSQL under the data directory, for machines that have none configured.

pgserver (PyPI) ships the server binaries and copes with running as root. When it cannot
start, the machine's own PostgreSQL binaries are used, run as an unprivileged user.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess  # nosec B404
import warnings
from pathlib import Path

import structlog

log = structlog.get_logger(__name__)


class EmbeddedDatabaseError(RuntimeError):
    pass


def start_embedded_postgres(data_dir: Path) -> str:
    """Start (or join) the embedded server and return its connection URL."""
    pg_dir = (data_dir / "pg").resolve()
    pg_dir.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _start_with_pgserver(pg_dir)
    except Exception as first:  # noqa: BLE001 - any failure falls through to the system binaries
        log.warning("embedded_postgres.pgserver_failed", error=str(first))
        try:
            return _start_with_system_binaries(data_dir.resolve() / "pg-system")
        except Exception as second:
            raise EmbeddedDatabaseError(
                "Could not start an embedded PostgreSQL: pgserver failed "
                f"({first}) and the machine's PostgreSQL binaries failed ({second}). "
                "Set DATABASE_URL to a running PostgreSQL server instead."
            ) from second


def _start_with_pgserver(pg_dir: Path) -> str:
    """pgserver stops the server when the last process that asked for it exits normally."""
    _forget_dead_users(pg_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on servers
        import pgserver

    server = pgserver.get_server(pg_dir, cleanup_mode="stop")  # type: ignore[attr-defined]
    return str(server.get_uri())


def _forget_dead_users(pg_dir: Path) -> None:
    """A process killed before it could let go of the server (SIGKILL, a crash) stays on pgserver's list of
    its users, and the server would never be stopped: drop the dead ones; a server they left running is
    reused, and stopped when the last live user exits."""
    handles = pg_dir / ".handle_pids.json"
    if not handles.exists():
        return
    try:
        pids = [int(pid) for pid in json.loads(handles.read_text())]
    except (ValueError, TypeError):
        pids = []
    alive = [pid for pid in pids if _is_alive(pid)]
    if alive != pids:
        log.info("embedded_postgres.orphan_found", dead_users=sorted(set(pids) - set(alive)))
        handles.write_text(json.dumps(alive))


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _system_bin_dir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    found = shutil.which("pg_ctl")
    if found:
        candidates.insert(0, str(Path(found).parent))
    for candidate in candidates:
        if (Path(candidate) / "pg_ctl").exists() and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    raise EmbeddedDatabaseError("no PostgreSQL binaries (initdb, pg_ctl) found on this machine")


def _as_unprivileged(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    runuser = shutil.which("runuser")
    if runuser is None:
        raise EmbeddedDatabaseError("running as root and `runuser` is missing; cannot drop privileges")
    return [runuser, "-u", "nobody", "--", *cmd]


def _start_with_system_binaries(pg_dir: Path) -> str:
    bin_dir = _system_bin_dir()
    data = pg_dir / "data"
    pg_dir.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(pg_dir, user="nobody")
    if not (data / "PG_VERSION").exists():
        subprocess.run(  # nosec B603
            _as_unprivileged(
                [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
            ),
            check=True,
            capture_output=True,
        )
    status = subprocess.run(
        _as_unprivileged([str(bin_dir / "pg_ctl"), "-D", str(data), "status"]),  # nosec B603
        capture_output=True,
    )
    if status.returncode != 0:
        subprocess.run(  # nosec B603
            _as_unprivileged(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-w",
                    "-l",
                    str(pg_dir / "server.log"),
                    "-o",
                    f"-k {pg_dir} -c listen_addresses=''",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
    return f"postgresql://postgres@/postgres?host={pg_dir}"
