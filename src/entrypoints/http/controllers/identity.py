"""Accounts and sessions: register, login, refresh, logout, me."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import HeaderParameter, JSONBody
from litestar.response import Stream

from application.actor import Actor
from application.use_cases.identity.data_rights import EraseMyAccount, ExportMyData
from application.use_cases.identity.login import LogIn, LoginCommand
from application.use_cases.identity.logout import LogOut
from application.use_cases.identity.profile import GetCurrentUser
from application.use_cases.identity.refresh import RefreshSession
from application.use_cases.identity.register import RegisterCommand, RegisterUser
from application.use_cases.identity.sessions import TokenPair
from entrypoints.http.auth import auth_ip_rate_limit
from entrypoints.http.context import current_trace_id
from entrypoints.http.errors import problem_responses
from entrypoints.http.idempotency import IDEMPOTENCY_HONOURED
from entrypoints.http.identity_schemas import LoginRequest, RefreshRequest, RegisterRequest, TokensOut, UserOut
from entrypoints.http.json_stream import enveloped
from entrypoints.http.refresh_cookie import cleared_cookies, refresh_token_from_cookie, session_cookies
from entrypoints.http.schemas import Envelope

IdempotencyKeyHeader = Annotated[
    str | None,
    HeaderParameter(name="Idempotency-Key", required=False, description="replays the first answer for 24 h (S-API-6)"),
]


def _signing_secret(request: Request[Any, Any, Any]) -> str:
    return str(request.app.state["container"].settings().jwt_secret)


def _presented_token(request: Request[Any, Any, Any], data: RefreshRequest) -> str:
    return data.refresh_token or refresh_token_from_cookie(request, _signing_secret(request))


def _tokens(request: Request[Any, Any, Any], pair: TokenPair, *, in_cookie: bool) -> Response[Envelope[TokensOut]]:
    body = Envelope(data=TokensOut.of(pair, in_cookie=in_cookie))
    if not in_cookie:
        return Response(body, headers={"Cache-Control": "no-store"})
    cookies = session_cookies(_signing_secret(request), pair.refresh_token)
    return Response(body, headers={"Cache-Control": "no-store"}, cookies=cookies)


CsrfHeader = Annotated[
    str | None,
    HeaderParameter(
        name="X-CSRF-Token",
        required=False,
        description="the subdub_csrf cookie's value, when the refresh token comes from the session cookie",
    ),
]


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["identity"]

    @post(
        "/register",
        status_code=201,
        summary="Create an account",
        guards=[auth_ip_rate_limit],
        opt=IDEMPOTENCY_HONOURED,
        responses=problem_responses(400, 409, 422, 429),
    )
    async def register(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[RegisterRequest],
        register_user: NamedDependency[RegisterUser],
        idempotency_key: IdempotencyKeyHeader = None,
    ) -> Response[Envelope[UserOut]]:
        user = await register_user.execute(
            RegisterCommand(email=data.email, password=data.password, display_name=data.display_name),
            trace_id=current_trace_id(request.scope),
        )
        return Response(Envelope(data=UserOut.of(user)), status_code=201, headers={"Location": "/api/v1/me"})

    @post(
        "/login",
        status_code=200,
        summary="Exchange email and password for a token pair",
        guards=[auth_ip_rate_limit],
        responses=problem_responses(400, 401, 429),
    )
    async def login(
        self, request: Request[Any, Any, Any], data: JSONBody[LoginRequest], log_in: NamedDependency[LogIn]
    ) -> Response[Envelope[TokensOut]]:
        pair = await log_in.execute(
            LoginCommand(email=data.email, password=data.password), trace_id=current_trace_id(request.scope)
        )
        return _tokens(request, pair, in_cookie=data.refresh_cookie)

    @post(
        "/refresh",
        status_code=200,
        summary="Rotate a refresh token (from the body, or from the session cookie with X-CSRF-Token) into a new pair",
        responses=problem_responses(400, 401, 403),
    )
    async def refresh(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[RefreshRequest],
        refresh_session: NamedDependency[RefreshSession],
        csrf_token: CsrfHeader = None,
    ) -> Response[Envelope[TokensOut]]:
        from_cookie = data.refresh_token is None
        token = _presented_token(request, data)
        pair = await refresh_session.execute(token, trace_id=current_trace_id(request.scope))
        return _tokens(request, pair, in_cookie=from_cookie or data.refresh_cookie)

    @post(
        "/logout",
        status_code=204,
        summary="Revoke a session (body token, or the session cookie with X-CSRF-Token; the cookies are cleared)",
        responses=problem_responses(400, 401, 403),
    )
    async def logout(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[RefreshRequest],
        log_out: NamedDependency[LogOut],
        csrf_token: CsrfHeader = None,
    ) -> Response[None]:
        from_cookie = data.refresh_token is None
        await log_out.execute(_presented_token(request, data), trace_id=current_trace_id(request.scope))
        return Response(None, status_code=204, cookies=cleared_cookies() if from_cookie else [])


class MeController(Controller):
    path = "/api/v1/me"
    tags = ["identity"]

    @get("/", summary="The caller's account", responses=problem_responses(401, 429))
    async def me(
        self, actor: NamedDependency[Actor], get_current_user: NamedDependency[GetCurrentUser]
    ) -> Envelope[UserOut]:
        return Envelope(data=UserOut.of(await get_current_user.execute(actor)))

    @get(
        "/export",
        summary="Everything stored about the caller, as JSON (streamed)",
        description=(
            "Sent while it is read, in constant memory: the body is one JSON document that arrives in chunks. "
            "A failure after the first bytes cuts the document short, so an incomplete export does not parse."
        ),
        responses=problem_responses(401, 429),
    )
    async def export(self, actor: NamedDependency[Actor], export_my_data: NamedDependency[ExportMyData]) -> Stream:
        sections = export_my_data.execute(actor)
        first = await anext(sections)  # the account is found (or not) before any byte is sent

        async def every_section() -> AsyncIterator[tuple[str, object]]:
            yield first
            async for section in sections:
                yield section

        return Stream(
            enveloped(every_section()),
            media_type="application/json",
            headers={"Content-Disposition": 'attachment; filename="subdub-export.json"', "Cache-Control": "no-store"},
        )

    @delete(
        "/",
        status_code=204,
        summary="Erase the caller's account and personal data; their tokens stop working at once",
        responses=problem_responses(401, 429),
    )
    async def erase(self, actor: NamedDependency[Actor], erase_my_account: NamedDependency[EraseMyAccount]) -> None:
        await erase_my_account.execute(actor)
