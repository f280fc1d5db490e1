from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import structlog
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from adapters.telemetry.logging import configure_logging
from adapters.telemetry.tracing import configure_tracing
from tests.support.app import api_client


@pytest.fixture
def json_logs():  # type: ignore[no-untyped-def]
    stream = io.StringIO()
    configure_logging(fmt="json", level="INFO", stream=stream)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]

    yield lines
    configure_logging(fmt="console", level="INFO")


# covers: S-OBS-1, S-OBS-2
async def test_logs_are_json_lines_with_request_and_trace_ids(clean_database: str, tmp_path: Path, json_logs) -> None:  # type: ignore[no-untyped-def]
    async with api_client(clean_database, tmp_path) as client:
        response = await client.get("/api/v1/test-probes/boom", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 500
    records = json_logs()
    assert records, "nothing was logged"
    for record in records:
        assert {"timestamp", "level", "event"} <= record.keys()
    failure = next(r for r in records if r["event"] == "request.unhandled_error")
    assert failure["request_id"] == "req-42"
    assert failure["trace_id"] == response.json()["trace_id"]
    assert failure["level"] == "error"


# covers: S-SEC-7, S-OBS-1
def test_secrets_are_redacted_from_log_lines(json_logs) -> None:  # type: ignore[no-untyped-def]
    log = structlog.get_logger("test")
    log.info(
        "login.attempt",
        email="a@example.com",
        password="hunter2-hunter2",
        refresh_token="rt-123",
        api_key="key-xyz",
        note="sent Authorization: Bearer eyJhbGciOi.abc.def",
    )
    (record,) = [r for r in json_logs() if r["event"] == "login.attempt"]
    text = json.dumps(record)
    for secret in ("hunter2-hunter2", "rt-123", "key-xyz", "eyJhbGciOi.abc.def"):
        assert secret not in text
    assert record["email"] == "a@example.com"
    assert record["password"] == "[redacted]"


# covers: S-OBS-3
async def test_http_and_database_spans_share_one_trace(clean_database: str, tmp_path: Path) -> None:
    provider = configure_tracing("none")
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    async with api_client(clean_database, tmp_path) as client:
        response = await client.get("/api/v1/test-probes/db")
    assert response.status_code == 200
    spans = exporter.get_finished_spans()
    http_spans = [s for s in spans if s.attributes and s.attributes.get("http.method") == "GET"]
    db_spans = [s for s in spans if s.attributes and s.attributes.get("db.system") == "postgresql"]
    assert http_spans, [s.name for s in spans]
    assert db_spans, [s.name for s in spans]
    request_trace = http_spans[0].context.trace_id
    assert any(s.context.trace_id == request_trace for s in db_spans)
    exporter.clear()
