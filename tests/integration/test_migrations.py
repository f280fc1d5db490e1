from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from adapters.postgres.migrations import MIGRATIONS_DIR, MigrationRunner
from tests.support.database import migrated_database

FINGERPRINT_QUERIES = {
    "columns": """SELECT table_name, column_name, data_type, is_nullable, column_default
                  FROM information_schema.columns WHERE table_schema = current_schema()""",
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()",
    "constraints": """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                      FROM pg_constraint WHERE connamespace = current_schema()::regnamespace""",
    "functions": """SELECT proname, pg_get_function_identity_arguments(oid) FROM pg_proc
                    WHERE pronamespace = current_schema()::regnamespace""",
    "triggers": "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal",
    "types": """SELECT typname FROM pg_type WHERE typnamespace = current_schema()::regnamespace
                AND typtype IN ('e', 'c') AND typname NOT LIKE '\\_%'""",
}


def schema_fingerprint(url: str) -> dict[str, list[tuple[object, ...]]]:
    with psycopg.connect(url) as conn:
        return {
            name: sorted(
                tuple(row)
                for row in conn.execute(query).fetchall()
                if not any(isinstance(v, str) and "yoyo" in v for v in row)
            )
            for name, query in FINGERPRINT_QUERIES.items()
        }


@pytest.fixture
def scratch_database(postgres_admin_url: str) -> Iterator[str]:
    with migrated_database(postgres_admin_url, "migrations") as url:
        yield url


def test_every_migration_has_a_rollback() -> None:
    for forward in MIGRATIONS_DIR.glob("*.sql"):
        if forward.name.endswith(".rollback.sql"):
            continue
        assert forward.with_name(forward.stem + ".rollback.sql").exists(), f"{forward.name} has no rollback"


# covers: S-DB-2
def test_apply_all_roll_back_all_reapply_gives_the_same_schema(scratch_database: str) -> None:
    runner = MigrationRunner(scratch_database)
    assert all(state.applied for state in runner.status())
    migrated = schema_fingerprint(scratch_database)
    assert migrated["columns"], "migrations created nothing"

    rolled_back = runner.down(None)
    assert len(rolled_back) == len(runner.status())
    assert not any(state.applied for state in runner.status())
    empty = schema_fingerprint(scratch_database)
    assert empty["columns"] == [] and empty["functions"] == [] and empty["types"] == []

    runner.up()
    assert schema_fingerprint(scratch_database) == migrated


def test_down_one_step_rolls_back_only_the_latest(scratch_database: str) -> None:
    runner = MigrationRunner(scratch_database)
    latest = runner.status()[-1].id
    assert runner.down(1) == [latest]
    states = {s.id: s.applied for s in runner.status()}
    assert states[latest] is False
    assert sum(states.values()) == len(states) - 1
    assert runner.up() == [latest]
