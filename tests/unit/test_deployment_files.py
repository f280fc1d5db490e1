"""The Dockerfile and compose.yaml cannot run here (no Docker engine): check what can be checked. Every
setting they name exists, every command they run parses, and the layout is the documented one."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from entrypoints.cli.main import build_parser
from entrypoints.env_vars import declared
from entrypoints.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
OUR_PREFIXES = ("SUBDUB_", "DATABASE_", "REDIS_", "AWS_", "OPENSUBTITLES_", "GOOGLE_", "DAILYMOTION_")
SETTINGS = {item.var.name for item in declared(Settings)}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def ours(names: set[str]) -> set[str]:
    return {name for name in names if name.startswith(OUR_PREFIXES)}


def test_compose_names_only_settings_that_exist(compose: dict[str, Any]) -> None:
    named: set[str] = set()
    for service in compose["services"].values():
        environment = service.get("environment") or {}
        named |= set(environment if isinstance(environment, dict) else (e.split("=")[0] for e in environment))
    assert ours(named), "compose.yaml configures no subdub setting"
    assert ours(named) <= SETTINGS, f"unknown settings: {sorted(ours(named) - SETTINGS)}"


def test_dockerfile_names_only_settings_that_exist(dockerfile: str) -> None:
    named = set(re.findall(r"\b([A-Z][A-Z0-9_]+)=", dockerfile))
    assert ours(named) and ours(named) <= SETTINGS, sorted(ours(named) - SETTINGS)


def test_the_image_is_multi_stage_non_root_and_uv_built(dockerfile: str) -> None:
    stages = re.findall(r"^FROM\s+\S+\s+AS\s+(\w+)", dockerfile, flags=re.MULTILINE)
    assert len(stages) >= 2
    assert re.search(r"^RUN uv sync --frozen --no-dev\s*$", dockerfile, flags=re.MULTILINE)
    users = re.findall(r"^USER\s+(\S+)", dockerfile, flags=re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert "COPY --from=build" in dockerfile
    assert re.search(r'^ENTRYPOINT \["subdub"\]', dockerfile, flags=re.MULTILINE)
    copied = re.findall(r"^COPY (?:--\S+ )*(.+) \S+$", dockerfile, flags=re.MULTILINE)
    for sources in copied:
        for source in sources.split():
            if not source.startswith("--") and source != "/app":
                assert (ROOT / source).exists(), f"the Dockerfile copies {source}, which does not exist"
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".venv" in ignored and ".env" in ignored  # no local environment or secrets in the build context


def test_every_subdub_command_parses(compose: dict[str, Any], dockerfile: str) -> None:
    parser = build_parser()
    commands = [
        service["command"] for service in compose["services"].values() if service.get("image") == "subdub:latest"
    ]
    cmd = re.search(r"^CMD (\[.*\])", dockerfile, flags=re.MULTILINE)
    assert cmd is not None
    commands.append(yaml.safe_load(cmd.group(1)))
    assert len(commands) >= 4
    for command in commands:
        argv = command if isinstance(command, list) else shlex.split(command)
        parser.parse_args(argv)  # exits (a failure) on an unknown command or flag


def test_the_layout_is_two_apis_behind_a_proxy_two_workers_and_migrations_first(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"postgres", "redis", "minio", "migrate", "api", "worker", "proxy"} <= set(services)
    assert services["migrate"]["command"] == ["migrate", "up"]
    assert services["migrate"]["restart"] == "no"
    for name in ("api", "worker"):
        assert services[name]["deploy"]["replicas"] == 2
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        environment = services[name]["environment"]
        assert environment["SUBDUB_BLOB_URL"].startswith("s3://")
        assert environment["AWS_ENDPOINT_URL"] == "http://minio:9000"
        assert environment["SUBDUB_ENV"] == "production"
    assert services["api"]["environment"]["SUBDUB_TRUSTED_PROXIES"]
    nginx = compose["configs"]["nginx"]["content"]
    assert "proxy_pass http://subdub_api" in nginx and "server api:8000" in nginx
    assert "X-Forwarded-For $$remote_addr" in nginx  # set by the proxy, never passed through from the client


def test_the_documented_pool_sizing_fits_postgres(compose: dict[str, Any]) -> None:
    services = compose["services"]
    environment = services["api"]["environment"]
    api_processes = services["api"]["deploy"]["replicas"] * int(services["api"]["command"][-1])
    workers = services["worker"]["deploy"]["replicas"]
    pool_max = int(environment["DATABASE_POOL_MAX"])
    listen = api_processes  # one LISTEN connection per API process, outside its pool
    max_connections = int(services["postgres"]["command"][-1].split("=")[1])
    assert (api_processes + workers) * pool_max + listen <= max_connections - 3  # superuser reserve
