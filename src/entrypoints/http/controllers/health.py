from __future__ import annotations

from typing import Literal

import msgspec
from litestar import Controller, Response, get
from litestar.di import NamedDependency

from application.use_cases.check_readiness import CheckReadiness, ReadinessReport
from entrypoints.http.errors import problem_responses


class Liveness(msgspec.Struct):
    status: Literal["ok"] = "ok"


class HealthController(Controller):
    path = "/health"
    tags = ["health"]

    @get("/live", summary="The process is running")
    async def live(self) -> Liveness:
        return Liveness()

    @get("/ready", summary="Every dependency's status", responses=problem_responses(500))
    async def ready(self, check_readiness: NamedDependency[CheckReadiness]) -> Response[ReadinessReport]:
        report = await check_readiness.execute()
        if report.status == "down":
            return Response(report, status_code=503, headers={"Retry-After": "5"})
        return Response(report)
