"""JWT access tokens (PyJWT, HS256 pinned), opaque refresh tokens, one-way pseudonyms."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from uuid import UUID

import jwt

from application.errors import Unauthenticated
from application.ports.clock import Clock, IdGenerator
from application.ports.security import AccessClaims, IssuedAccessToken
from domain.users import GlobalRole

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["sub", "role", "iat", "exp", "jti", "ep", "typ"]
ACCESS_TYPE = "access"
PLAYBACK_TYPE = "playback"
INVALID_TOKEN = "the access token is missing, malformed, expired or not ours"  # noqa: S105  # nosec B105 - a message


class JwtAccessTokens:
    """Only HS256 with our key is accepted: `alg: none`, other algorithms and other keys all fail."""

    def __init__(self, secret: str, clock: Clock, ids: IdGenerator, *, ttl: timedelta = timedelta(minutes=15)) -> None:
        if len(secret) < 32:
            raise ValueError("the JWT secret must be at least 32 characters")
        self._key = secret.encode()
        self._clock = clock
        self._ids = ids
        self._ttl = ttl

    def issue(
        self, user_id: UUID, role: GlobalRole, token_epoch: int, session_id: UUID | None = None
    ) -> IssuedAccessToken:
        return self._sign(user_id, role, token_epoch, session_id, self._ttl, {"typ": ACCESS_TYPE})

    def issue_playback(self, claims: AccessClaims, render_id: UUID, ttl: timedelta) -> IssuedAccessToken:
        extra = {"typ": PLAYBACK_TYPE, "rid": str(render_id)}
        return self._sign(claims.user_id, claims.role, claims.token_epoch, claims.session_id, ttl, extra)

    def _sign(
        self,
        user_id: UUID,
        role: GlobalRole,
        token_epoch: int,
        session_id: UUID | None,
        ttl: timedelta,
        extra: dict[str, str],
    ) -> IssuedAccessToken:
        now = self._clock.now()
        claims: dict[str, object] = {
            "sub": str(user_id),
            "role": role.value,
            "ep": token_epoch,
            "iat": int(now.timestamp()),
            "exp": int((now + ttl).timestamp()),
            "jti": str(self._ids.new_id()),
            **extra,
        }
        if session_id is not None:
            claims["sid"] = str(session_id)
        return IssuedAccessToken(
            token=jwt.encode(claims, self._key, algorithm=ALGORITHM), expires_in=int(ttl.total_seconds())
        )

    def verify(self, token: str, *, render_id: UUID | None = None) -> AccessClaims:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                options={"require": REQUIRED_CLAIMS, "verify_signature": True, "verify_exp": True},
            )
            scope = None if claims["typ"] == ACCESS_TYPE else UUID(str(claims.get("rid")))
            if claims["typ"] not in (ACCESS_TYPE, PLAYBACK_TYPE) or scope != render_id:
                raise Unauthenticated(INVALID_TOKEN, code="invalid_token")
            return AccessClaims(
                user_id=UUID(str(claims["sub"])),
                role=GlobalRole(claims["role"]),
                token_epoch=int(claims["ep"]),
                issued_at=datetime.fromtimestamp(int(claims["iat"]), UTC),
                expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
                token_id=str(claims["jti"]),
                session_id=UUID(str(claims["sid"])) if "sid" in claims else None,
                render_id=scope,
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the access token has expired", code="token_expired") from None
        except (jwt.PyJWTError, ValueError, TypeError, KeyError):
            raise Unauthenticated(INVALID_TOKEN, code="invalid_token") from None


class RandomOpaqueTokens:
    """256-bit random tokens; stored as SHA-256 (a fast hash is right for values with this much entropy)."""

    def new_token(self) -> str:
        return secrets.token_urlsafe(32)

    def digest(self, token: str) -> bytes:
        return hashlib.sha256(token.encode()).digest()


class HmacPseudonymizer:
    """HMAC-SHA-256 under a key derived from the service secret: stable, and irreversible without the key."""

    def __init__(self, secret: str) -> None:
        self._key = hmac.new(secret.encode(), b"subdub audit pseudonym v1", hashlib.sha256).digest()

    def pseudonym(self, user_id: UUID) -> str:
        return "anon-" + hmac.new(self._key, user_id.bytes, hashlib.sha256).hexdigest()[:32]
