"""Browser tests: Debian's Chromium driven by Playwright against a real `subdub run` (API and worker).

Playwright is pointed at the system Chromium; it never downloads a browser. Without Chromium these tests
skip with a message saying how to install it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.database import migrated_database
from tests.support.server import free_port

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("SUBDUB_SCREENSHOT_DIR", ROOT / ".screenshots"))
CHROMIUM = os.environ.get("SUBDUB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"Chromium is not installed at {CHROMIUM}: `apt-get install -y chromium` (or set SUBDUB_CHROMIUM)")
    return CHROMIUM


@pytest.fixture(scope="session")
def studio_url(chromium_path: str, postgres_admin_url: str) -> Iterator[str]:
    """`subdub run` on its own database and data directory: migrations, the API and one worker."""
    with serve_studio(postgres_admin_url, "studio") as base:
        _warm_up(base)
        yield base


SERVER_LOGS: dict[str, Path] = {}  # base URL → the `subdub run` output (API, worker), while it runs


@contextlib.contextmanager
def serve_studio(postgres_admin_url: str, name: str, **extra_env: str) -> Iterator[str]:
    """A `subdub run` (its own database and data directory) with `extra_env` on top of the test defaults."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"subdub-{name}-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with migrated_database(postgres_admin_url, name) as database_url:
        env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        env.update(
            SUBDUB_ENV="test",
            DATABASE_URL=database_url,
            SUBDUB_HTTP_PORT=str(port),
            SUBDUB_DATA_DIR=str(data_dir),
            SUBDUB_JWT_SECRET="s" * 40,
            SUBDUB_LOG_FORMAT="json",
            SUBDUB_WORKER_CONCURRENCY="1",
            SUBDUB_RENDER_HEARTBEAT_SECONDS="0.5",
            SUBDUB_AUTH_RATE_LIMIT_PER_MINUTE="1000",  # every test signs up and in from 127.0.0.1
            **extra_env,
        )
        log = (data_dir / "run.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli.main", "run"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its worker and speech-engine processes go down with it (one group)
        )
        SERVER_LOGS[base] = data_dir / "run.log"
        try:
            _wait_until_live(base, process, data_dir / "run.log")
            yield base
            if process.poll() is not None:
                raise AssertionError(f"subdub run died during the tests:\n{(data_dir / 'run.log').read_text()[-4000:]}")
        finally:
            _stop_group(process)
            log.close()
            shutil.rmtree(data_dir, ignore_errors=True)


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to `subdub run` (a graceful stop), then SIGKILL to whatever of its group is left."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _wait_until_live(base: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 120) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"subdub run exited early:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base}/health/live", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"subdub run never became live:\n{log.read_text()[-3000:]}")


def _warm_up(base: str) -> None:
    """The first voice listing starts the speech engine's worker processes (tens of seconds on a busy machine):
    done once here so each test measures the page, not that start."""
    from tests.browser.studio import Api

    with Api(base) as api:
        api.account()
        assert api.http.get("/api/v1/voices?limit=1", headers=api.headers, timeout=180).status_code == 200


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[object]:
    """Module-scoped: Playwright's sync API keeps an event loop running on this thread while it is open,
    which the asyncio tests of other modules (run after these on the same worker) could not start beside."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)  # type: ignore[attr-defined]
    yield context
    context.close()


@pytest.fixture
def page(context: object) -> Iterator[object]:
    """A page whose script errors and CSP violations fail the test."""
    page = context.new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            errors.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    assert not errors, errors


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
