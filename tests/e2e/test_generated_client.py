"""A Python client generated from the live OpenAPI document drives the main journey.

openapi-python-client reads /schema/openapi.json of a running API; any model or endpoint it has to
drop fails the test. The generated client then registers, creates a project, uploads an SRT, lists
and patches a cue with If-Match, pushes a sync batch, asks for a render that a real worker process
(espeak-ng) produces, polls it and downloads the audio, full and by range.
"""

from __future__ import annotations

import importlib
import io
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import httpx
import pytest
import soundfile

from entrypoints.http.app import create_app
from entrypoints.wiring import build_container
from tests.support.app import test_settings as app_settings
from tests.support.jobs import worker_env, worker_process
from tests.support.server import serving

pytestmark = pytest.mark.slow
PACKAGE = "subdub_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")
# The client treats every download as bytes (the generator knows JSON, text and octet-stream only).
CONFIG = """\
post_hooks: []
content_type_overrides:
  audio/wav: application/octet-stream
  audio/flac: application/octet-stream
  audio/ogg: application/octet-stream
  audio/mpeg: application/octet-stream
  application/x-subrip: application/octet-stream
  text/x-ssa: application/octet-stream
"""
# What the generator prints when it leaves out part of the document.
DROPPED = ("WARNING", "Unable to", "will not be generated", "will be omitted", "Could not find reference")
SRT = b"1\n00:00:00,500 --> 00:00:02,000\nHello there.\n\n2\n00:00:02,500 --> 00:00:04,000\nGoodbye now.\n"


def generate_client(base_url: str, out: Path) -> ModuleType:
    document = out / "openapi.json"
    document.write_bytes(httpx.get(f"{base_url}/schema/openapi.json", timeout=30).content)
    (out / "config.yml").write_text(CONFIG)
    args = ["--path", str(document), "--meta", "none", "--output-path", str(out / PACKAGE)]
    result = subprocess.run(
        [str(GENERATOR), "generate", *args, "--config", str(out / "config.yml")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert not [line for line in output.splitlines() if any(mark in line for mark in DROPPED)], output
    sys.path.insert(0, str(out))
    return importlib.import_module(PACKAGE)


@pytest.fixture
def live_api(clean_database: str, tmp_path: Path) -> Iterator[str]:
    data_dir = tmp_path / "data"
    settings = app_settings(data_dir, SUBDUB_WORKER_CONCURRENCY="1")
    app = create_app(build_container(settings, clean_database))
    env = worker_env(clean_database, data_dir, SUBDUB_WORKER_CONCURRENCY="1")
    with serving(app) as base_url, worker_process(env, tmp_path / "worker.log", fakes=False):
        yield base_url


def _api(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.api.{name}")


# covers: S-API-8
def test_generated_client_runs_the_whole_journey(live_api: str, tmp_path: Path) -> None:
    generate_client(live_api, tmp_path)
    client_mod = importlib.import_module(PACKAGE)
    models = importlib.import_module(f"{PACKAGE}.models")
    types = importlib.import_module(f"{PACKAGE}.types")
    for name in ("CueOut", "ProjectOut", "SyncIn", "ChangesOut", "CuePatch", "CueIn", "RenderIn", "Problem"):
        assert hasattr(models, name), name

    anonymous = client_mod.Client(base_url=live_api, raise_on_unexpected_status=True, timeout=httpx.Timeout(30))
    email = f"client-{uuid.uuid4().hex[:8]}@example.com"
    password = "correct horse battery staple"
    registered = _api("identity.register").sync_detailed(
        client=anonymous, body=models.RegisterRequest(email=email, password=password, display_name="Gen")
    )
    assert registered.status_code == 201, registered.content
    tokens = _api("identity.login").sync(client=anonymous, body=models.LoginRequest(email=email, password=password))
    assert isinstance(tokens, models.EnvelopeTokensOut), tokens
    client = client_mod.AuthenticatedClient(
        base_url=live_api, token=tokens.data.access_token, raise_on_unexpected_status=True, timeout=httpx.Timeout(30)
    )

    project = _api("projects.create_project").sync(client=client, body=models.ProjectIn(title="Generated"))
    assert isinstance(project, models.EnvelopeProjectOut), project
    upload = _api("tracks.create_track").sync(
        project.data.id,
        client=client,
        body=models.CreateTrackFilesBody(
            file=types.File(payload=io.BytesIO(SRT), file_name="two.srt", mime_type="application/x-subrip"),
            language="en",
        ),
    )
    assert isinstance(upload, models.EnvelopeCreatedTrackOut), upload
    track_id = upload.data.id
    assert upload.data.cue_count == 2

    cues = _api("cues.list_cues").sync(track_id, client=client)
    assert isinstance(cues, models.PageCueOut) and len(cues.data) == 2, cues
    first = cues.data[0]
    read = _api("cues.get_cue").sync_detailed(track_id, first.id, client=client)
    etag = read.headers["etag"]
    stale = _api("cues.update_cue").sync_detailed(
        track_id, first.id, client=client, body=models.CuePatch(text="Too late."), if_match='"999"'
    )
    assert stale.status_code == 412 and isinstance(stale.parsed, models.Problem)
    patched = _api("cues.update_cue").sync(
        track_id, first.id, client=client, body=models.CuePatch(text="Hello again."), if_match=etag
    )
    assert isinstance(patched, models.EnvelopeCueOut) and patched.data.text == "Hello again."

    new_cue = uuid.uuid4()
    change = models.ChangeIn(
        id=new_cue, updated_at=datetime.now(UTC).isoformat(), start_ms=4500, end_ms=6000, text="One more line."
    )
    pushed = _api("sync.push_changes").sync_detailed(
        track_id, client=client, body=models.SyncIn(changes=[change]), idempotency_key=f"sync-{new_cue}"
    )
    assert pushed.status_code == 200, pushed.content
    assert [str(i) for i in pushed.parsed.data.applied] == [str(new_cue)]
    changes = _api("sync.pull_changes").sync(track_id, client=client)
    assert isinstance(changes, models.EnvelopeChangesOut)

    render_in = models.RenderIn(
        voice=models.VoiceIn(engine="espeak", name="en-us"), format_=models.RenderInFormat.WAV, sample_rate=16000
    )
    asked = _api("renders.request_render").sync_detailed(
        track_id, client=client, body=render_in, idempotency_key=f"render-{track_id}"
    )
    assert asked.status_code == 202, asked.content
    render_id = asked.parsed.data.id
    assert asked.headers["location"].endswith(str(render_id))

    deadline = time.monotonic() + 120
    while True:
        render = _api("renders.get_render").sync(render_id, client=client)
        assert isinstance(render, models.EnvelopeRenderOut)
        if render.data.status in ("succeeded", "failed", "cancelled") or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert render.data.status == "succeeded", render.data

    full = _api("renders.audio").sync_detailed(render_id, client=client)
    assert full.status_code == 200 and full.headers["content-type"] == "audio/wav"
    samples, rate = soundfile.read(io.BytesIO(full.content))
    assert rate == 16000 and len(samples) >= 6 * rate * 0.99
    part = _api("renders.audio").sync_detailed(render_id, client=client, range_="bytes=0-99")
    assert part.status_code == 206 and part.content == full.content[:100]
