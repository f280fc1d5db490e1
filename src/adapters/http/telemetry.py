"""Per-call spans (OpenTelemetry) and metrics (Prometheus, served at /metrics) for provider calls."""

from __future__ import annotations

from opentelemetry import trace
from prometheus_client import Counter, Histogram

tracer = trace.get_tracer("subdub.providers")

PROVIDER_REQUESTS = Counter(
    "subdub_provider_requests",
    "Outbound provider HTTP attempts by outcome",
    ["provider", "outcome"],
)
PROVIDER_LATENCY = Histogram(
    "subdub_provider_request_duration_seconds",
    "Outbound provider HTTP attempt latency",
    ["provider"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
