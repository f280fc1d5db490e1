"""The processes of one run: a command started in a session of its own, and what is left of it."""

from __future__ import annotations

import os
import time


def session_members(session_id: int) -> list[int]:
    """Every live process of the session (Linux /proc); zombies are dead and not counted."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, session = fields[0], int(fields[3])
        if session == session_id and state != "Z":
            members.append(int(entry))
    return members


def wait_until_gone(session_id: int, timeout_s: float) -> list[int]:
    """The session's processes still alive after `timeout_s` (empty when they all exited in time)."""
    deadline = time.monotonic() + timeout_s
    while (left := session_members(session_id)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left
