"""Studio: time to interactive of the cue table with 1 000 cues, in headless Chromium against `subdub serve`.

`TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/studio.py`
(without the variable: testcontainers or the embedded server). Needs /usr/bin/chromium (or SUBDUB_CHROMIUM).

Each run is a full page load of `/#/tracks/<id>` in the same signed-in browser context (the session comes
back from the refresh cookie, as after any reload). Figures come from the page's own performance timeline,
in milliseconds from the start of navigation: `cue-table-interactive` (the first 200 cues in the DOM, the
keyboard handlers attached, focus on the heading: the table can be used), `cue-table-complete` (all
1 000 rows in the DOM; the cues come 200 a page, each appended as it arrives) and `timeline-drawn` (the
timeline's 1 000 cue blocks, drawn once the last row is in). Same-run
baselines: the same load of a 3-cue track (the page's fixed cost), and the bare fetch of the 1 000 cues
(five 200-cue pages with a bearer token, from inside the page: the API floor the table cannot beat).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _stop_group  # noqa: E402
from tests.browser.studio import PASSWORD, Api  # noqa: E402
from tests.support.database import migrated_database, postgres_server  # noqa: E402
from tests.support.server import free_port  # noqa: E402

RUNS = 7
FLOOR_JS = """async ([track, token]) => {
    const started = performance.now();
    let cursor = null, count = 0;
    do {
        const url = `/api/v1/tracks/${track}/cues?limit=200` + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : "");
        const body = await (await fetch(url, { headers: { Authorization: `Bearer ${token}` } })).json();
        count += body.data.length;
        cursor = body.meta.next_cursor;
    } while (cursor);
    return [performance.now() - started, count];
}"""


MARKS = ("cue-table-interactive", "cue-table-complete", "timeline-drawn")


def load_once(page: object, base: str, track_id: str) -> tuple[float, ...]:
    page.goto("about:blank")  # type: ignore[attr-defined]
    page.goto(f"{base}/#/tracks/{track_id}")  # type: ignore[attr-defined]
    page.locator("main[data-complete=cues]").wait_for(timeout=60_000)  # type: ignore[attr-defined]
    marks = page.evaluate(  # type: ignore[attr-defined]
        "names => names.map(n => performance.getEntriesByName(n)[0].startTime)", list(MARKS)
    )
    return tuple(float(mark) for mark in marks)


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} ms (min {min(values):.0f}, max {max(values):.0f})"


def main() -> int:
    if not Path(CHROMIUM).is_file():
        print(f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
        return 1
    from playwright.sync_api import sync_playwright

    with postgres_server() as admin_url, migrated_database(admin_url, "bench_studio") as database_url:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        data_dir = Path(tempfile.mkdtemp(prefix="subdub-bench-studio-"))
        env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        env.update(
            SUBDUB_ENV="test",
            DATABASE_URL=database_url,
            SUBDUB_HTTP_PORT=str(port),
            SUBDUB_HTTP_WORKERS="1",
            SUBDUB_DATA_DIR=str(data_dir),
            SUBDUB_JWT_SECRET="b" * 40,
            SUBDUB_LOG_FORMAT="json",
        )
        server = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli.main", "serve"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    if httpx.get(f"{base}/health/live", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("subdub serve did not start")
                time.sleep(0.3)
            with Api(base) as api:
                email = api.account()
                big = api.track([f"Line {n}: the quick brown fox jumps." for n in range(1000)], step_ms=2500)
                small = api.track(["One.", "Two.", "Three."], title="Small")
                token = api.headers["Authorization"].split(" ", 1)[1]
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
                page.goto(f"{base}/")
                page.locator("#signin-email").fill(email)
                page.locator("#signin-password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.get_by_role("heading", name="Projects", level=1).wait_for()
                load_once(page, base, big["id"])  # warm: server caches, browser revalidation
                big_runs, small_runs, floors = [], [], []
                for _ in range(RUNS):
                    big_runs.append(load_once(page, base, big["id"]))
                    small_runs.append(load_once(page, base, small["id"]))
                    elapsed, count = page.evaluate(FLOOR_JS, [big["id"], token])
                    assert count == 1000
                    floors.append(float(elapsed))
                rows = page.locator("#cue-table tbody tr[data-id]").count()
                browser.close()
        finally:
            _stop_group(server)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Studio cue table, {RUNS} full loads each, Chromium {CHROMIUM}, load average {load}")
    print(f"| 1 000 cues: time to interactive (first 200 rows usable) | {summary([b[0] for b in big_runs])} |")
    print(f"| 1 000 cues: all 1 000 rows in the table | {summary([b[1] for b in big_runs])} |")
    print(f"| 1 000 cues: the timeline drawn (after the last row) | {summary([b[2] for b in big_runs])} |")
    print(f"| timeline alone: drawing 1 000 cue blocks | {summary([b[2] - b[1] for b in big_runs])} |")
    print(f"| baseline: 3 cues, time to interactive | {summary([s[0] for s in small_runs])} |")
    print(f"| baseline: bare fetch of the 1 000 cues from the page | {summary(floors)} |")
    print(f"(last load of the 3-cue track left {rows} rows; the 1 000-cue loads each rendered 1 000)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
