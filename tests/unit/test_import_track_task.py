"""The worker's import task: which provider errors are retried and which fail the job at once."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from uuid import UUID

import pytest

from adapters.queue.retry import JobRetryPolicy
from application.errors import (
    ProviderAuthFailed,
    ProviderBadResponse,
    ProviderQuotaExhausted,
    ProviderRateLimited,
    ProviderUnavailable,
)
from entrypoints.worker.tasks import ImportFailed, build_blueprint, import_track

JOB_ID = 314
ARGS = {"project_id": str(UUID(int=10)), "user_id": str(UUID(int=1)), "provider": "opensubtitles"}


class FailingImport:
    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls: list[Any] = []

    async def execute(self, actor: Any, cmd: Any) -> Any:
        self.calls.append((actor, cmd))
        raise self.error


def context_with(use_case: FailingImport) -> Any:
    container = SimpleNamespace(catalogue=SimpleNamespace(import_subtitle_track=lambda: use_case))
    return SimpleNamespace(additional_context={"container": container}, job=SimpleNamespace(id=JOB_ID, attempts=0))


def retry_decision(exc: BaseException, attempts: int = 0) -> Any:
    task = next(t for name, t in build_blueprint(JobRetryPolicy()).tasks.items() if name.endswith("import_track"))
    return task.retry_strategy.get_retry_decision(exception=exc, job=SimpleNamespace(attempts=attempts))


@pytest.mark.parametrize(
    "error",
    [ProviderUnavailable("opensubtitles"), ProviderRateLimited("opensubtitles"), ProviderBadResponse("opensubtitles")],
)
async def test_transient_provider_errors_are_raised_as_is_and_retried(error: Exception) -> None:
    use_case = FailingImport(error)
    with pytest.raises(type(error)):
        await import_track(context_with(use_case), file_id=7, language="en", trace_id="t-1", **ARGS)
    actor, cmd = use_case.calls[0]
    assert actor.user_id == UUID(int=1) and actor.trace_id == "t-1"
    assert (cmd.project_id, cmd.file_id, cmd.language) == (UUID(int=10), 7, "en")
    assert cmd.job_id == JOB_ID  # covers: S-JOB-2 (a re-run of the job finds the track it wrote)
    assert retry_decision(error) is not None
    assert retry_decision(error, attempts=100) is None  # the retry budget runs out


async def test_a_spent_quota_fails_at_once_with_its_reset_time() -> None:
    quota = ProviderQuotaExhausted("opensubtitles", "quota spent; it resets at 2030-01-01T00:00:00Z", reset_at="x")
    with pytest.raises(ImportFailed) as caught:
        await import_track(context_with(FailingImport(quota)), file_id=7, language="en", **ARGS)
    assert str(caught.value) == "provider_quota_exhausted: quota spent; it resets at 2030-01-01T00:00:00Z"
    assert retry_decision(caught.value) is None


async def test_refused_credentials_fail_at_once() -> None:
    with pytest.raises(ImportFailed, match="provider_auth_failed"):
        await import_track(
            context_with(FailingImport(ProviderAuthFailed("opensubtitles"))), file_id=7, language="en", **ARGS
        )
