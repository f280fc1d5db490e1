"""The fit check of a track: predicted speed and overflow per cue, nothing synthesized."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from application.actor import Actor
from application.use_cases.renders.fit_check import FitCheck
from entrypoints.http.errors import problem_responses
from entrypoints.http.fit_check_schemas import FitCheckIn, FitCheckOut
from entrypoints.http.schemas import Envelope


class TrackFitCheckController(Controller):
    path = "/api/v1/tracks/{track_id:uuid}/fit-check"
    tags = ["renders"]

    @post(
        "/",
        status_code=200,
        summary="Predict how each cue would fit (speed, overflow) without synthesizing",
        responses=problem_responses(400, 401, 404, 422, 429, 503),
    )
    async def fit_check(
        self,
        actor: NamedDependency[Actor],
        track_id: FromPath[UUID],
        fit_check: NamedDependency[FitCheck],
        data: JSONBody[FitCheckIn | None] = None,
    ) -> Envelope[FitCheckOut]:
        forecast = await fit_check.execute(actor, track_id, (data or FitCheckIn()).options())
        return Envelope(data=FitCheckOut(cues=forecast.cues, totals=forecast.totals, measured=forecast.measured))
