"""Accounts: who a user is, and the rules their email, name and password must meet."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from uuid import UUID

import msgspec

from domain.errors import DomainError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 512
MAX_EMAIL_LENGTH = 254
MAX_DISPLAY_NAME_LENGTH = 100
MIN_DISTINCT_PASSWORD_CHARS = 5

# The HTML living-standard rule for a valid email address: no spaces, quotes-only local parts or
# comments, which keeps every accepted address a plain token.
EMAIL_PATTERN = (
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
_EMAIL = re.compile(EMAIL_PATTERN)


class GlobalRole(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"


class InvalidEmail(DomainError):
    code = "invalid_email"

    def __init__(self, message: str = "is not a valid email address") -> None:
        super().__init__(message, field="email")


class WeakPassword(DomainError):
    code = "weak_password"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="password")


class InvalidDisplayName(DomainError):
    code = "invalid_display_name"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="display_name")


def normalize_email(raw: str) -> str:
    """The one spelling stored and compared: trimmed and lower-cased."""
    email = raw.strip().lower()
    if not email or len(email) > MAX_EMAIL_LENGTH or not _EMAIL.match(email):
        raise InvalidEmail()
    return email


def normalize_display_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise InvalidDisplayName("must not be blank")
    if len(name) > MAX_DISPLAY_NAME_LENGTH:
        raise InvalidDisplayName(f"must be at most {MAX_DISPLAY_NAME_LENGTH} characters")
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise InvalidDisplayName("must not contain control characters")
    return name


def check_password_policy(password: str, *, email: str) -> None:
    """Length first (NIST SP 800-63B), then the obviously guessable: one repeated pattern, the email itself."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(f"must be at most {MAX_PASSWORD_LENGTH} characters")
    if len(set(password)) < MIN_DISTINCT_PASSWORD_CHARS:
        raise WeakPassword(f"must use at least {MIN_DISTINCT_PASSWORD_CHARS} different characters")
    lowered = password.lower()
    local_part = email.split("@", 1)[0]
    if lowered == email or (len(local_part) >= 4 and local_part in lowered):
        raise WeakPassword("must not contain your email address")


class User(msgspec.Struct, frozen=True, kw_only=True):
    """An account. After erasure the row stays (soft-deleted) with every personal field empty."""

    id: UUID
    email: str | None
    display_name: str | None
    role: GlobalRole
    password_hash: str | None
    token_epoch: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None


class AuthState(msgspec.Struct, frozen=True, kw_only=True):
    """What a request needs to trust an access token: is the user there, which epoch and role are current."""

    role: GlobalRole
    token_epoch: int
    active: bool
    # Sessions (refresh-token families) revoked recently enough that their access tokens may still be unexpired.
    revoked_sessions: frozenset[UUID] = frozenset()
