"""Pure-Python CPU work of a request (validating thousands of changes), run off the event loop.

One dedicated thread, not the default pool: Python code holds the GIL, so more threads would add no
throughput; with one, the event loop competes with a single thread, which must hand the GIL back at
every switch interval (5 ms), so `/health/live` and other requests keep being served while a
5 000-change sync push is validated (bench/health_under_load.py measures it). Small batches stay on
the loop: a thread hop would cost more than the work, and they must not queue behind big ones.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

# Batches at or below these sizes are handled on the loop (well under a millisecond of work).
INLINE_ITEMS = 200
INLINE_BYTES = 64 * 1024

_LANE = ThreadPoolExecutor(max_workers=1, thread_name_prefix="off-loop")


def small(items: int) -> bool:
    return items <= INLINE_ITEMS


async def off_loop(inline: bool, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`fn(*args, **kwargs)`: on the loop when `inline` (a small batch), else on the CPU lane."""
    if inline:
        return fn(*args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_LANE, functools.partial(fn, *args, **kwargs))
