"""A child process that must not outlive its parent, however the parent died (even SIGKILL).

A multiprocessing child (a pool worker, forked by a fork server rather than by its parent) watches
the pipe its parent holds open: it reads end-of-file when the parent is gone. Another child asks
Linux to signal it when its parent exits (prctl PR_SET_PDEATHSIG), or else polls its parent's id.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading
import time
from multiprocessing.connection import wait

PR_SET_PDEATHSIG = 1
WATCH_INTERVAL_S = 1.0


def die_with_parent(sig: int = signal.SIGKILL, *, parent_pid: int | None = None) -> None:
    """`parent_pid`: the process that started this one; when it is already gone, `sig` comes at once."""
    parent = multiprocessing.parent_process()
    if parent is not None and parent.sentinel is not None:
        _watch_in_thread(_wait_for_sentinel, parent.sentinel, sig)
        return
    expected = parent_pid if parent_pid is not None else os.getppid()
    if not (sys.platform.startswith("linux") and _prctl_death_signal(sig)):
        _watch_in_thread(_poll_parent_id, expected, sig)
    if os.getppid() != expected:  # the parent died before the kernel was told
        os.kill(os.getpid(), sig)


def _watch_in_thread(target: object, argument: int, sig: int) -> None:
    threading.Thread(target=target, args=(argument, sig), name="parent-watch", daemon=True).start()  # type: ignore[arg-type]


def _prctl_death_signal(sig: int) -> bool:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _wait_for_sentinel(sentinel: int, sig: int) -> None:
    wait([sentinel])  # readable (end-of-file) once the parent process is gone
    os.kill(os.getpid(), sig)


def _poll_parent_id(parent_pid: int, sig: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(WATCH_INTERVAL_S)
    os.kill(os.getpid(), sig)
