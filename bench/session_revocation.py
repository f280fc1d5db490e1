"""Per-request cost of the session-revocation check, against the token-epoch check it extends (same run).

Authentication reads a user's auth state from the shared store (hit) or PostgreSQL (miss). The state now
also lists the sessions revoked within an access token's lifetime. Measured, interleaved in one run:
- the miss: the former query (users by primary key) and the new one (plus the revoked families, through
  refresh_tokens_user_idx) for a user with 60 refresh tokens, 20 of them revoked recently;
- the hit: Authenticate with the state cached (the check adds one set lookup).

Needs PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL. Run: `.venv/bin/python bench/session_revocation.py`
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from tests.support.database import migrated_database  # noqa: E402

from adapters.cache.auth_states import _STATE  # noqa: E402
from adapters.telemetry.logging import configure_logging  # noqa: E402
from application.use_cases.identity.register import RegisterCommand  # noqa: E402
from entrypoints.settings import load_settings  # noqa: E402
from entrypoints.wiring import build_container  # noqa: E402

OLD_STATE = "SELECT role, token_epoch, deleted_at IS NULL FROM users WHERE id = %(id)s"
ROUNDS, PER_ROUND = 10, 200
PASSWORD = "correct horse battery staple"  # noqa: S105 - a bench account


async def main() -> int:
    admin_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if not admin_url:
        print("set BENCH_DATABASE_URL or TEST_DATABASE_URL", file=sys.stderr)
        return 2
    configure_logging(fmt="console", level="WARNING")
    with migrated_database(admin_url, "bench_sessions") as url, tempfile.TemporaryDirectory() as data_dir:
        settings = load_settings({"SUBDUB_ENV": "test", "SUBDUB_DATA_DIR": data_dir, "SUBDUB_JWT_SECRET": "b" * 48})
        c = build_container(settings, url)
        pool = c.pool()
        await pool.open(wait=True)
        try:
            user = await c.register_user().execute(
                RegisterCommand(email="bench@example.com", password=PASSWORD, display_name="B")
            )
            now = datetime.now(UTC)
            async with pool.connection() as conn:
                for i in range(60):
                    await conn.execute(
                        "INSERT INTO refresh_tokens (id, user_id, family_id, token_digest, expires_at, revoked_at,"
                        " created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                        (
                            uuid.uuid4(),
                            user.id,
                            uuid.uuid4(),
                            os.urandom(32),
                            now + timedelta(days=30),
                            now if i < 20 else None,
                            now,
                            now,
                        ),
                    )
            params = {"id": user.id, "window": timedelta(minutes=15)}
            timings: dict[str, list[float]] = {"old": [], "new": [], "cached": []}
            token = c.access_tokens().issue(user.id, user.role, user.token_epoch, session_id=uuid.uuid4()).token
            authenticate = c.authenticate()
            await authenticate.execute(token)
            async with pool.connection() as conn:
                for _ in range(ROUNDS):
                    for name, query in (("old", OLD_STATE), ("new", _STATE)):
                        for _ in range(PER_ROUND):
                            start = time.perf_counter()
                            await (await conn.execute(query, params)).fetchone()
                            timings[name].append(time.perf_counter() - start)
                    for _ in range(PER_ROUND):
                        start = time.perf_counter()
                        await authenticate.execute(token)
                        timings["cached"].append(time.perf_counter() - start)
        finally:
            await pool.close()
    for name, values in timings.items():
        values.sort()
        p95 = values[int(len(values) * 0.95)]
        print(f"{name}: median {statistics.median(values) * 1e6:.0f} µs, p95 {p95 * 1e6:.0f} µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
