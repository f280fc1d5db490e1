"""A real S3 API server for tests: moto's server mode in a child process on a loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.support.server import free_port

ACCESS_KEY = "subdub-test-key"
SECRET_KEY = "subdub-test-secret"


@contextmanager
def s3_server(*, check_credentials: bool = False) -> Iterator[str]:
    """Yields the endpoint URL. With `check_credentials` every request is authenticated against
    moto's (empty) IAM, so any key is refused as S3 refuses an unknown one."""
    port = free_port()
    env = {**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "true"}
    if check_credentials:
        env["INITIAL_NO_AUTH_ACTION_COUNT"] = "0"
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the moto S3 server did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.kill()  # a test server: nothing to flush, and werkzeug takes seconds to stop on SIGTERM
        process.wait(timeout=10)


def new_bucket(endpoint: str) -> str:
    name = f"subdub-{uuid.uuid4().hex[:12]}"
    httpx.put(f"{endpoint}/{name}", timeout=10).raise_for_status()
    return name


def object_keys(endpoint: str, bucket: str) -> list[str]:
    """Every key in the bucket, read with a plain ListObjectsV2 (independent of the adapter)."""
    answer = httpx.get(f"{endpoint}/{bucket}", params={"list-type": "2"}, timeout=10)
    answer.raise_for_status()
    tree = ET.fromstring(answer.text)  # noqa: S314 - our own test server's answer
    return sorted(el.text or "" for el in tree.iter() if el.tag.endswith("}Key") or el.tag == "Key")


def open_multipart_uploads(endpoint: str, bucket: str) -> int:
    answer = httpx.get(f"{endpoint}/{bucket}", params={"uploads": ""}, timeout=10)
    answer.raise_for_status()
    return answer.text.count("<UploadId>")
