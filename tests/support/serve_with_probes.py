"""`subdub serve` exactly as shipped, plus the test-only probe routes (run as a subprocess)."""

from __future__ import annotations

from entrypoints.cli.serve import make_server
from entrypoints.http.app import create_app
from entrypoints.wiring import bootstrap
from tests.support.probe_routes import probe_controller

if __name__ == "__main__":
    runtime = bootstrap()
    app = create_app(runtime.container, extra_route_handlers=[probe_controller(runtime.container)])
    make_server(runtime, app).run()
