"""A child process that must not outlive the process that started it, however that one died (even SIGKILL).

A daemon thread polls the watched process and signals this one once it is gone; when the watched process
is the direct parent, Linux is also asked to deliver the signal at once (prctl PR_SET_PDEATHSIG). A pool
worker forked by a fork server names the process that owns the pool: its direct parent is the fork
server, which lives as long as its children do.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
WATCH_INTERVAL_S = 0.5


def die_with_parent(sig: int = signal.SIGKILL, *, parent_pid: int | None = None) -> None:
    """`parent_pid`: the process whose death ends this one (default: the direct parent)."""
    watched = parent_pid if parent_pid is not None else os.getppid()
    if watched == os.getppid() and sys.platform.startswith("linux"):
        _prctl_death_signal(sig)
    threading.Thread(target=_watch, args=(watched, sig), name="parent-watch", daemon=True).start()
    if not _alive(watched):  # gone before the watch began
        os.kill(os.getpid(), sig)


def _prctl_death_signal(sig: int) -> bool:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _watch(pid: int, sig: int) -> None:
    while _alive(pid) and os.getppid() != 1:
        time.sleep(WATCH_INTERVAL_S)
    os.kill(os.getpid(), sig)
