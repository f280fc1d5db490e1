"""Identity: accounts, sessions, tokens, administration, data rights."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from dependency_injector import containers, providers

from adapters.cache.auth_states import CachedAuthStates
from adapters.security.passwords import Argon2PasswordHasher
from adapters.security.tokens import HmacPseudonymizer, JwtAccessTokens, RandomOpaqueTokens
from application.use_cases.identity.admin import ChangeUserRole, ListAuditLogs, ListUsers
from application.use_cases.identity.authenticate import Authenticate
from application.use_cases.identity.create_admin import CreateAdmin
from application.use_cases.identity.data_rights import EraseMyAccount, ExportMyData
from application.use_cases.identity.login import LogIn, LoginPolicy
from application.use_cases.identity.logout import LogOut
from application.use_cases.identity.profile import GetCurrentUser
from application.use_cases.identity.refresh import RefreshSession
from application.use_cases.identity.register import RegisterUser
from application.use_cases.identity.sessions import SessionIssuer
from application.use_cases.subtitles.data_rights import InvitationsDataContributor, ProjectsDataContributor
from entrypoints.wiring.use_case import UseCase, WriteUseCase


class IdentityContainer(containers.DeclarativeContainer):
    core: providers.DependenciesContainer = providers.DependenciesContainer()
    settings: Any = core.settings
    unit_of_work: Any = core.unit_of_work

    password_hasher = providers.Singleton(
        Argon2PasswordHasher,
        time_cost=settings.provided.argon2_time_cost,
        memory_kib=settings.provided.argon2_memory_kib,
        parallelism=settings.provided.argon2_parallelism,
    )
    access_tokens = providers.Singleton(
        JwtAccessTokens,
        settings.provided.jwt_secret,
        core.clock,
        core.ids,
        ttl=providers.Factory(timedelta, seconds=settings.provided.access_token_ttl_s),
    )
    opaque_tokens = providers.Singleton(RandomOpaqueTokens)
    pseudonymizer = providers.Singleton(HmacPseudonymizer, settings.provided.jwt_secret)
    auth_states = providers.Singleton(
        CachedAuthStates,
        core.pool,
        core.store,
        ttl_s=settings.provided.auth_cache_s,
        revoked_window_s=settings.provided.access_token_ttl_s,
    )
    session_issuer = providers.Singleton(
        SessionIssuer,
        access_tokens,
        opaque_tokens,
        core.ids,
        core.clock,
        refresh_ttl=providers.Factory(timedelta, days=settings.provided.refresh_token_ttl_days),
    )
    login_policy = providers.Singleton(
        LoginPolicy,
        max_failures=settings.provided.login_max_failures,
        failure_window=providers.Factory(timedelta, seconds=settings.provided.login_failure_window_s),
    )
    authenticate = providers.Singleton(Authenticate, access_tokens, auth_states)
    register_user = WriteUseCase(RegisterUser, unit_of_work, password_hasher, core.ids, core.clock)
    log_in = WriteUseCase(
        LogIn, unit_of_work, password_hasher, session_issuer, core.rate_limiter, core.clock, login_policy
    )
    refresh_session = WriteUseCase(RefreshSession, unit_of_work, opaque_tokens, session_issuer, core.clock, auth_states)
    log_out = WriteUseCase(LogOut, unit_of_work, opaque_tokens, core.clock, auth_states)
    get_current_user = UseCase(GetCurrentUser, unit_of_work)
    list_users = UseCase(ListUsers, unit_of_work)
    change_user_role = WriteUseCase(ChangeUserRole, unit_of_work, auth_states, core.clock)
    list_audit_logs = UseCase(ListAuditLogs, unit_of_work)
    create_admin = WriteUseCase(CreateAdmin, unit_of_work, register_user, auth_states, core.clock)
    # Right to be forgotten: each area that stores user data adds its DataContributor here.
    data_contributors = providers.List(
        providers.Singleton(ProjectsDataContributor), providers.Singleton(InvitationsDataContributor)
    )
    export_my_data = UseCase(ExportMyData, unit_of_work, data_contributors, core.clock)
    erase_my_account = WriteUseCase(
        EraseMyAccount, unit_of_work, data_contributors, pseudonymizer, auth_states, core.clock
    )
