"""Tasks the worker runs. Each feature registers its own with `queue_app.task`."""

from __future__ import annotations
