"""One classification of failures for every job: what may run again, what fails at once."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from types import SimpleNamespace

import pytest

from adapters.queue.retry import JobRetryPolicy, TransientRetryStrategy
from adapters.tts.google import _synthesis_failed
from application import errors
from application.ports.speech import SpeechClip, SynthesisFailed, SynthesisRequest
from application.use_cases.renders.execute_render import RenderFailed, RenderRetry
from domain.errors import DomainError
from domain.renders import RenderStatus
from entrypoints.worker.tasks import ImportFailed, VideoFillFailed
from tests.fakes.speech import FakeSpeechSynthesizer
from tests.unit.renders.rig import make_rig
from tests.unit.renders.test_request_and_execute import queued

STRATEGY = TransientRetryStrategy(JobRetryPolicy(max_attempts=5))


def retried(exc: BaseException, attempts: int = 0) -> bool:
    return STRATEGY.get_retry_decision(exception=exc, job=SimpleNamespace(attempts=attempts)) is not None  # type: ignore[arg-type]


class RefusedCredentials(FakeSpeechSynthesizer):
    """What the Google engine raises when Google answers 401/403 to our key."""

    async def synthesize(self, requests: Sequence[SynthesisRequest]) -> list[SpeechClip]:
        raise _synthesis_failed(0, errors.ProviderAuthFailed("google_tts", "the API key was refused"))


# covers: S-JOB-2
async def test_a_provider_refusing_credentials_fails_the_render_at_once_without_a_retry() -> None:
    rig = make_rig()
    render = await queued(rig)
    with pytest.raises(RenderFailed) as caught:
        await rig.execute(RefusedCredentials()).execute(render.id, final_attempt=False)  # not the last attempt
    assert caught.value.code == "provider_auth_failed"
    failed = rig.state.renders[render.id]
    assert failed.status is RenderStatus.FAILED
    assert failed.error is not None and failed.error["code"] == "provider_auth_failed"
    assert not retried(caught.value), "the job would run again"


@pytest.mark.parametrize(
    "exc",
    [
        errors.TransientFailure("collided"),
        errors.ProviderUnavailable("dailymotion"),
        errors.ProviderRateLimited("opensubtitles"),
        SynthesisFailed("espeak", 0, "the engine crashed"),
        RenderRetry("given back"),
        OSError("disk full"),  # unexpected: another run may succeed
    ],
)
def test_transient_failures_run_again_within_the_budget(exc: BaseException) -> None:
    assert errors.is_transient(exc)
    assert retried(exc, attempts=0)
    assert not retried(exc, attempts=4), "the fifth run is the last"


@pytest.mark.parametrize(
    "exc",
    [
        errors.ProviderAuthFailed("google_tts"),
        errors.ProviderQuotaExhausted("opensubtitles", "spent", reset_at="2026-12-03T00:00:00Z"),
        errors.ProviderDisabled("google_tts"),
        errors.InvalidInput("bad"),
        errors.NotFound("track"),
        DomainError("a cue ends before it starts"),
        RenderFailed("failed"),
        ImportFailed("provider_auth_failed: refused"),
        VideoFillFailed("provider_auth_failed: refused"),
    ],
)
def test_permanent_failures_fail_at_once(exc: BaseException) -> None:
    assert not errors.is_transient(exc)
    assert not retried(exc)


def test_a_job_given_back_at_shutdown_runs_again_at_once() -> None:
    decision = STRATEGY.get_retry_decision(exception=asyncio.CancelledError(), job=SimpleNamespace(attempts=9))  # type: ignore[arg-type]
    assert decision is not None
