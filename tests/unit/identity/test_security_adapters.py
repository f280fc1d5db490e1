from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import jwt
import pytest

from adapters.security.passwords import Argon2PasswordHasher
from adapters.security.tokens import HmacPseudonymizer, JwtAccessTokens, RandomOpaqueTokens
from adapters.system import Uuid7Generator
from application.errors import Unauthenticated
from domain.users import GlobalRole

SECRET = "s" * 40


class FrozenClock:
    def __init__(self, now: datetime) -> None:
        self.now_value = now

    def now(self) -> datetime:
        return self.now_value


def test_access_tokens_round_trip_and_expire() -> None:
    # covers: S-SEC-3
    clock = FrozenClock(datetime.now(UTC))
    tokens = JwtAccessTokens(SECRET, clock, Uuid7Generator())
    user = uuid4()
    issued = tokens.issue(user, GlobalRole.MEMBER, 7)
    claims = tokens.verify(issued.token)
    assert (claims.user_id, claims.role, claims.token_epoch) == (user, GlobalRole.MEMBER, 7)
    assert issued.expires_in == 900
    clock.now_value -= timedelta(minutes=16)
    stale = tokens.issue(user, GlobalRole.MEMBER, 7).token
    with pytest.raises(Unauthenticated) as caught:
        tokens.verify(stale)
    assert caught.value.code == "token_expired"


@pytest.mark.parametrize("drop", ["sub", "role", "iat", "exp", "jti"])
def test_every_required_claim_is_required(drop: str) -> None:
    # covers: S-SEC-3
    now = int(time.time())
    claims = {"sub": str(uuid4()), "role": "member", "iat": now, "exp": now + 60, "jti": "j", "ep": 0, "typ": "access"}
    del claims[drop]
    tokens = JwtAccessTokens(SECRET, FrozenClock(datetime.now(UTC)), Uuid7Generator())
    with pytest.raises(Unauthenticated):
        tokens.verify(jwt.encode(claims, SECRET, algorithm="HS256"))


def test_short_secrets_are_refused() -> None:
    with pytest.raises(ValueError, match="32"):
        JwtAccessTokens("short", FrozenClock(datetime.now(UTC)), Uuid7Generator())


async def test_password_hashes_verify_and_need_rehash_when_parameters_change() -> None:
    # covers: S-SEC-2
    cheap = Argon2PasswordHasher(time_cost=1, memory_kib=1024, parallelism=1)
    stronger = Argon2PasswordHasher(time_cost=2, memory_kib=2048, parallelism=1)
    hashed = await cheap.hash("correct horse battery staple")
    assert hashed.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    assert await cheap.verify(hashed, "correct horse battery staple")
    assert await stronger.verify(hashed, "correct horse battery staple")  # parameters are read from the hash
    assert not await cheap.verify(hashed, "wrong")
    assert not await cheap.verify(None, "anything")  # the dummy hash: same work, always False
    assert not await cheap.verify("not a hash", "anything")
    assert not cheap.needs_rehash(hashed)
    assert stronger.needs_rehash(hashed)
    assert "argon2id t=2 m=2048KiB p=1" in stronger.parameters


def test_opaque_tokens_and_pseudonyms() -> None:
    # covers: S-SEC-3, S-SEC-9
    opaque = RandomOpaqueTokens()
    a, b = opaque.new_token(), opaque.new_token()
    assert a != b
    assert len(a) >= 43
    assert opaque.digest(a) == opaque.digest(a) != opaque.digest(b)
    user = uuid4()
    p = HmacPseudonymizer(SECRET)
    assert p.pseudonym(user) == p.pseudonym(user) != p.pseudonym(uuid4())
    assert p.pseudonym(user) != HmacPseudonymizer("t" * 40).pseudonym(user)
    assert str(user) not in p.pseudonym(user)
    assert user.hex not in p.pseudonym(user)


def test_a_playback_token_opens_only_its_render_and_only_for_a_while() -> None:
    # covers: S-SEC-3
    clock = FrozenClock(datetime.now(UTC))
    tokens = JwtAccessTokens(SECRET, clock, Uuid7Generator())
    session, render, other = uuid4(), uuid4(), uuid4()
    access = tokens.issue(uuid4(), GlobalRole.MEMBER, 3, session_id=session)
    playback = tokens.issue_playback(tokens.verify(access.token), render, timedelta(minutes=10))
    claims = tokens.verify(playback.token, render_id=render)
    assert (claims.token_epoch, claims.session_id, claims.render_id) == (3, session, render)
    assert playback.expires_in == 600
    for token, scope in ((playback.token, None), (playback.token, other), (access.token, render)):
        with pytest.raises(Unauthenticated) as refused:
            tokens.verify(token, render_id=scope)  # not a bearer token; not another render's; not from a bearer
        assert refused.value.code == "invalid_token"
    clock.now_value -= timedelta(minutes=11)
    stale = tokens.issue_playback(claims, render, timedelta(minutes=10)).token
    with pytest.raises(Unauthenticated) as expired:
        tokens.verify(stale, render_id=render)
    assert expired.value.code == "token_expired"
