from __future__ import annotations

import hashlib
from datetime import timedelta

import msgspec

from application.actor import Actor
from application.errors import RateLimited, Unauthenticated
from application.ports.clock import Clock
from application.ports.rate_limit import RateLimiter
from application.ports.security import PasswordHasher
from application.ports.unit_of_work import UnitOfWork
from application.use_cases.identity.sessions import SessionIssuer, TokenPair
from domain.users import InvalidEmail, normalize_email

WRONG_CREDENTIALS = "wrong email or password"


class LoginCommand(msgspec.Struct, frozen=True, kw_only=True):
    email: str
    password: str


class LoginPolicy(msgspec.Struct, frozen=True, kw_only=True):
    max_failures: int = 5
    failure_window: timedelta = timedelta(minutes=15)


def failure_key(email: str) -> str:
    """Rate-limit key of an account; hashed, so no email sits in the limiter's store."""
    return "login-failures:" + hashlib.sha256(email.encode()).hexdigest()


class LogIn:
    """Same answer, in about the same time, whether the email exists or not (a dummy hash is verified)."""

    def __init__(
        self,
        uow: UnitOfWork,
        hasher: PasswordHasher,
        sessions: SessionIssuer,
        limiter: RateLimiter,
        clock: Clock,
        policy: LoginPolicy | None = None,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._sessions = sessions
        self._limiter = limiter
        self._clock = clock
        self._policy = policy or LoginPolicy()

    async def execute(self, cmd: LoginCommand, *, trace_id: str | None = None) -> TokenPair:
        try:
            email = normalize_email(cmd.email)
        except InvalidEmail:
            email = cmd.email.strip().lower()[:254]
        key = failure_key(email)
        window_s = int(self._policy.failure_window.total_seconds())
        # The attempt is counted before the password is checked, so concurrent attempts cannot all pass the
        # gate; a success clears the count, a failure leaves it standing.
        gate = await self._limiter.hit(key, limit=self._policy.max_failures, window_s=window_s)
        if not gate.allowed:
            raise RateLimited("too many failed logins for this account", retry_after_s=gate.retry_after_s)

        async with self._uow as uow:
            user = await uow.users.find_by_email(email)
            ok = await self._hasher.verify(user.password_hash if user else None, cmd.password)
            if user is None or not ok:
                raise Unauthenticated(WRONG_CREDENTIALS, code="invalid_credentials")
            if user.password_hash and self._hasher.needs_rehash(user.password_hash):
                new_hash = await self._hasher.hash(cmd.password)
                await uow.users.set_password_hash(user.id, new_hash, now=self._clock.now())
            pair, family = await self._sessions.issue(uow, user)
            actor = Actor(user_id=user.id, role=user.role, trace_id=trace_id)
            await uow.audit.record(actor, "session.created", "session", family)
            await uow.commit()
        await self._limiter.reset(key)
        return pair
