from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.sessions import RefreshToken
from domain.users import (
    InvalidDisplayName,
    InvalidEmail,
    WeakPassword,
    check_password_policy,
    normalize_display_name,
    normalize_email,
)

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(" Ada@Example.COM ", "ada@example.com"), ("o'brien+x@sub.example.org", "o'brien+x@sub.example.org")],
)
def test_emails_are_normalised(raw: str, expected: str) -> None:
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "plain", "a@b", "a b@example.com", "x'; DROP TABLE users; --@example.com", "a" * 250 + "@example.com"]
)
def test_bad_emails_are_refused(raw: str) -> None:
    # covers: S-SEC-1
    with pytest.raises(InvalidEmail):
        normalize_email(raw)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "at least 12"),
        ("x" * 513, "at most 512"),
        ("abababababababab", "different characters"),
        ("the-adalovelace-key", "email"),
        ("adalovelace@example.com", "email"),
    ],
)
def test_password_policy(password: str, reason: str) -> None:
    # covers: S-SEC-1, S-SEC-2
    with pytest.raises(WeakPassword, match=reason) as caught:
        check_password_policy(password, email="adalovelace@example.com")
    assert caught.value.field == "password"


def test_a_long_varied_password_passes() -> None:
    check_password_policy("correct horse battery staple", email="adalovelace@example.com")


def test_display_names_are_trimmed_and_bounded() -> None:
    assert normalize_display_name("  Ada \t Lovelace ") == "Ada Lovelace"
    with pytest.raises(InvalidDisplayName):
        normalize_display_name("   ")
    with pytest.raises(InvalidDisplayName):
        normalize_display_name("x" * 101)
    with pytest.raises(InvalidDisplayName):
        normalize_display_name("bell\x07")


def _token(**changes: object) -> RefreshToken:
    base: dict[str, object] = {
        "id": uuid4(),
        "user_id": uuid4(),
        "family_id": uuid4(),
        "digest": b"d",
        "expires_at": NOW + timedelta(days=1),
        "created_at": NOW,
    }
    return RefreshToken(**{**base, **changes})  # type: ignore[arg-type]


def test_refresh_token_states() -> None:
    # covers: S-SEC-3
    assert _token().state_at(NOW) == "usable"
    assert _token(rotated_at=NOW).state_at(NOW) == "reused"
    assert _token(rotated_at=NOW, revoked_at=NOW).state_at(NOW) == "revoked"
    assert _token(expires_at=NOW).state_at(NOW) == "expired"
