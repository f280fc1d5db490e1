"""SQL text composed with a constant column list (psycopg composition: values always stay bound)."""

from __future__ import annotations

from psycopg import sql


def with_columns(text: str, columns: str | sql.Composable) -> sql.Composed:
    """`text` with `columns` in place of `{columns}`; only constants are ever formatted in, never user data."""
    return sql.SQL(text).format(columns=sql.SQL(columns) if isinstance(columns, str) else columns)
