from __future__ import annotations

import pytest

from adapters.postgres.retry import retrying, run_with_retries
from application.errors import Conflict, DependencyUnavailable, TransientFailure


class Flaky:
    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error, self.calls = failures, error, 0

    async def execute(self, value: int) -> int:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return value * 2


# covers: S-DB-6
async def test_transient_failures_are_retried_with_the_same_arguments() -> None:
    flaky = retrying(Flaky)(2, TransientFailure("collided"))
    assert await flaky.execute(21) == 42
    assert flaky.calls == 3
    assert isinstance(flaky, Flaky)  # handlers declare the use case's own class


async def test_gives_up_after_the_attempt_budget() -> None:
    flaky = Flaky(10, TransientFailure("collided"))
    with pytest.raises(TransientFailure):
        await run_with_retries(flaky.execute, 1, attempts=3)
    assert flaky.calls == 3


async def test_other_errors_are_not_retried() -> None:
    flaky = retrying(Flaky)(1, Conflict("duplicate"))
    with pytest.raises(Conflict):
        await flaky.execute(1)
    assert flaky.calls == 1


async def test_a_database_outage_is_not_waited_out_by_a_plain_write() -> None:
    flaky = retrying(Flaky)(1, DependencyUnavailable("database"))
    with pytest.raises(DependencyUnavailable):
        await flaky.execute(1)
    assert flaky.calls == 1


async def test_a_durable_write_waits_out_a_database_outage_within_its_patience() -> None:
    flaky = retrying(Flaky, outage_patience_s=30.0)(6, DependencyUnavailable("database"))
    assert await flaky.execute(4) == 8  # more runs than a collision gets: the outage lasted, then ended
    assert flaky.calls == 7


async def test_a_durable_write_gives_up_when_the_outage_outlasts_its_patience() -> None:
    flaky = retrying(Flaky, outage_patience_s=0.05)(1000, DependencyUnavailable("database"))
    with pytest.raises(DependencyUnavailable):
        await flaky.execute(1)
    assert 1 < flaky.calls < 1000
