"""Artifact write/read throughput: the filesystem store against the S3 store (obstore) on a local S3 API
(moto's server), in one run; optionally aiobotocore on the same server, the other library considered.

Run: .venv/bin/python bench/blobs.py [--aiobotocore-python /path/to/python-with-aiobotocore]
Prints a Markdown section. moto is a Python server: S3 figures here bound the client library's cost
from below, they are not what AWS or MinIO would give.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.s3 import ACCESS_KEY, SECRET_KEY, new_bucket, s3_server  # noqa: E402

from adapters.storage.fs_blob_store import FsBlobStore  # noqa: E402
from adapters.storage.s3_blob_store import S3BlobStore, S3Config  # noqa: E402
from application.ports.blobs import BlobStore  # noqa: E402

MIB = 1024 * 1024
ARTIFACT_MIB = 64
SMALL_COUNT, SMALL_KIB = 100, 256
ROUNDS = 3
CHUNK = 1 * MIB

AIOBOTOCORE = r"""
import asyncio, os, sys, time
from aiobotocore.session import get_session
endpoint, bucket, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
PART = 8 * 1024 * 1024
data = os.urandom(size)
async def main():
    session = get_session()
    async with session.create_client("s3", endpoint_url=endpoint, region_name="us-east-1",
            aws_access_key_id="k", aws_secret_access_key="s") as s3:
        started = time.perf_counter()
        upload = await s3.create_multipart_upload(Bucket=bucket, Key="aio/artifact")
        parts = []
        for number, offset in enumerate(range(0, size, PART), start=1):
            part = await s3.upload_part(Bucket=bucket, Key="aio/artifact", UploadId=upload["UploadId"],
                                        PartNumber=number, Body=data[offset:offset + PART])
            parts.append({"ETag": part["ETag"], "PartNumber": number})
        await s3.complete_multipart_upload(Bucket=bucket, Key="aio/artifact", UploadId=upload["UploadId"],
                                           MultipartUpload={"Parts": parts})
        write = time.perf_counter() - started
        started = time.perf_counter()
        answer = await s3.get_object(Bucket=bucket, Key="aio/artifact")
        got = 0
        async for chunk in answer["Body"].iter_chunks(1024 * 1024):
            got += len(chunk)
        read = time.perf_counter() - started
        assert got == size
        print(write, read)
asyncio.run(main())
"""


async def chunks(data: bytes) -> AsyncIterator[bytes]:
    for offset in range(0, len(data), CHUNK):
        yield data[offset : offset + CHUNK]


async def measure(store: BlobStore, data: bytes, small: list[bytes]) -> dict[str, float]:
    """Seconds for: a streamed put, a sync writer, a whole read by range, small puts and reads."""
    out: dict[str, float] = {}
    started = time.perf_counter()
    await store.put_chunks("bench/streamed", chunks(data))
    out["put_chunks"] = time.perf_counter() - started
    started = time.perf_counter()
    with store.writer("bench/written") as sink:
        for offset in range(0, len(data), CHUNK):
            sink.write(data[offset : offset + CHUNK])
    out["writer"] = time.perf_counter() - started
    started = time.perf_counter()
    got = 0
    async for chunk in await store.read_range("bench/streamed", 0, len(data) - 1):
        got += len(chunk)
    out["read_range"] = time.perf_counter() - started
    assert got == len(data)
    started = time.perf_counter()
    for index, blob in enumerate(small):
        with store.writer(f"small/{index}") as sink:
            sink.write(blob)
    out["small_put"] = time.perf_counter() - started
    started = time.perf_counter()
    for index in range(len(small)):
        with store.reader(f"small/{index}") as source:
            source.read()
    out["small_get"] = time.perf_counter() - started
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--aiobotocore-python", help="an interpreter that has aiobotocore installed")
    args = parser.parse_args()
    data = os.urandom(ARTIFACT_MIB * MIB)
    small = [os.urandom(SMALL_KIB * 1024) for _ in range(SMALL_COUNT)]
    results: dict[str, list[dict[str, float]]] = {"filesystem": [], "S3 (obstore)": []}
    aio: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as scratch, s3_server() as endpoint:
        for _ in range(ROUNDS):  # interleaved, so background load hits every store alike
            bucket = new_bucket(endpoint)
            config = S3Config(
                f"s3://{bucket}/b", access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY, endpoint_url=endpoint
            )
            s3 = S3BlobStore(config, spool_dir=Path(scratch) / "spool")
            results["filesystem"].append(asyncio.run(measure(FsBlobStore(Path(scratch) / "fs"), data, small)))
            results["S3 (obstore)"].append(asyncio.run(measure(s3, data, small)))
            if args.aiobotocore_python:
                line = subprocess.run(
                    [args.aiobotocore_python, "-c", AIOBOTOCORE, endpoint, bucket, str(len(data))],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.split()
                aio.append((float(line[0]), float(line[1])))

    def rate(seconds: list[float], mib: float) -> str:
        each = [mib / s for s in seconds]
        return f"{statistics.median(each):.0f} MiB/s ({min(each):.0f}–{max(each):.0f})"

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"### Run of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {os.cpu_count()} cores, load average after {load}")
    print()
    small_mib = SMALL_COUNT * SMALL_KIB / 1024
    print(
        f"{ARTIFACT_MIB} MiB artifact and {SMALL_COUNT} × {SMALL_KIB} KiB blobs, {ROUNDS} interleaved rounds "
        "(median, range); S3 = moto's server on loopback."
    )
    print()
    print("| store | streamed put (put_chunks) | writer() + publish | ranged read, whole | small puts | small gets |")
    print("|---|---|---|---|---|---|")
    for name, runs in results.items():
        cells = [
            rate([r["put_chunks"] for r in runs], ARTIFACT_MIB),
            rate([r["writer"] for r in runs], ARTIFACT_MIB),
            rate([r["read_range"] for r in runs], ARTIFACT_MIB),
            f"{statistics.median(SMALL_COUNT / r['small_put'] for r in runs):.0f} /s",
            f"{statistics.median(SMALL_COUNT / r['small_get'] for r in runs):.0f} /s",
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    if aio:
        print(
            f"| S3 (aiobotocore, multipart + streamed get) | {rate([w for w, _ in aio], ARTIFACT_MIB)} | — "
            f"| {rate([r for _, r in aio], ARTIFACT_MIB)} | — | — |"
        )
    print()
    print(f"(small blobs: {small_mib:.0f} MiB in all)")


if __name__ == "__main__":
    main()
