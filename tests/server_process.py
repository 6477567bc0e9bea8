"""A real server for the tests that need one (crashes, a browser): uvicorn in a child process on a free port."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(settings, port: int, **environment: str) -> subprocess.Popen:
    env = {**os.environ, "APP_ENV": "test", "DATABASE_URL": settings.database_url, "SECRET_KEY": settings.secret_key,
           "MIGRATE_ON_START": "false", "UPLOAD_DIR": str(settings.upload_dir),
           "UPLOAD_QUOTA_FILES": str(settings.upload_quota_files), "UPLOAD_QUOTA_MB": str(settings.upload_quota_mb),
           "THROTTLE_MAX_COST": str(settings.throttle_max_cost), **environment}
    return subprocess.Popen([sys.executable, "-m", "uvicorn", "server:app", "--host", "127.0.0.1", "--port", str(port),
                             "--no-server-header", "--log-level", "warning", "--ws-max-size", "2097152"],
                            cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def wait_healthy(client: httpx.AsyncClient, process: subprocess.Popen) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        try:
            if (await client.get("/health")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.05)
    raise RuntimeError("the server did not become healthy")


@contextlib.asynccontextmanager
async def served(settings, **environment: str) -> AsyncIterator[tuple[int, httpx.AsyncClient]]:
    """A server process on a free port, healthy, with an HTTP client to it; stopped (SIGTERM) afterwards."""
    async with served_process(settings, **environment) as (port, client, _process):
        yield port, client


@contextlib.asynccontextmanager
async def served_process(settings, **environment: str) -> AsyncIterator[tuple[int, httpx.AsyncClient,
                                                                             subprocess.Popen]]:
    """``served``, with the process itself (a test that signals it)."""
    port = free_port()
    process = start(settings, port, **environment)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            await wait_healthy(client, process)
            yield port, client, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
