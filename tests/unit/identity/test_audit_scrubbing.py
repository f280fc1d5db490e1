from __future__ import annotations

from adapters.postgres.repositories.audit import without_secrets


def test_secret_fields_are_dropped_at_any_depth_and_counts_kept() -> None:
    # covers: S-SEC-7
    changes = {
        "password": "p",
        "password_hash": "$argon2id$…",
        "refresh_token": "r",
        "api_key": "k",
        "nested": {"access_token": "a", "client_secret": "s", "title": "kept"},
        "revoked_tokens": 2,
        "role": {"from": "member", "to": "admin"},
    }
    assert without_secrets(changes) == {
        "nested": {"title": "kept"},
        "revoked_tokens": 2,
        "role": {"from": "member", "to": "admin"},
    }
