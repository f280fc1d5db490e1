"""Tasks the worker runs, declared on a blueprint the shared procrastinate app takes in.

Each feature adds its own task here; the container reaches them through the job context
(`additional_context["container"]`, set by the worker runner).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import structlog
from procrastinate import Blueprint, JobContext

from adapters.queue.jobs import RENDER_QUEUE, RENDER_TASK
from adapters.queue.retry import RetryPolicy, TransientRetryStrategy
from application.use_cases.renders.execute_render import RenderRetry

if TYPE_CHECKING:
    from entrypoints.container import Container

NAMESPACE = "subdub"
retry_policy = RetryPolicy()
log = structlog.get_logger(__name__)


def _container(context: JobContext) -> Container:
    extra: dict[str, Any] = context.additional_context or {}
    return extra["container"]  # type: ignore[no-any-return]


async def render(context: JobContext, render_id: str, trace_id: str | None = None) -> str:
    """Render one voice-over (S-JOB-1): the use case records progress, outcome and errors itself."""
    use_case = _container(context).execute_render()
    outcome = await use_case.execute(UUID(render_id), final_attempt=retry_policy.is_final(context.job.attempts))
    log.info("render.outcome", render_id=render_id, outcome=outcome.value)
    return outcome.value


def build_blueprint() -> Blueprint:
    """A fresh blueprint per queue app (procrastinate renames the tasks of a blueprint it takes in)."""
    blueprint = Blueprint()
    retry = TransientRetryStrategy(retry_policy, (RenderRetry,))
    blueprint.task(name=RENDER_TASK, queue=RENDER_QUEUE, pass_context=True, retry=retry)(render)
    return blueprint
