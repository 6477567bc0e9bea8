"""Production II: the image. With Debian's podman (and debootstrap for a base image: no registry is reachable here)
the Dockerfile builds offline from the hashed lock's wheels, runs as a non-root user, migrates a database once, and
serves two replicas on that one PostgreSQL that answer ready and run a query each, then stop on SIGTERM. The
compose file describes the same: a database, a one-shot migration, two replicas after it.

Runs where podman can run containers and the suite is on PostgreSQL (CI's PostgreSQL run); skipped elsewhere, or a
failure with REQUIRE_CONTAINERS=1."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import psycopg
import pytest
import yaml

from domain.shared.actor import Role
from persistence.db import is_sqlite
from tests.server_process import free_port
from web.auth import mint_token

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
BASE = "localhost/debian-python:bookworm"
IMAGE = "localhost/aftersales:test"
CONF = ROOT / "tests" / "containers.conf"  # runc (crun fails in this sandbox) and bounded ulimits


def podman(*args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(["podman", *args], capture_output=True, text=True, check=check, timeout=timeout,
                          env={**os.environ, "CONTAINERS_CONF": str(CONF)})


def containers_or_skip() -> None:
    url = os.environ.get("DATABASE_URL", "")
    missing = [tool for tool in ("podman", "runc", "debootstrap") if shutil.which(tool) is None]
    if missing or not url or is_sqlite(url):
        reason = f"needs {', '.join(missing)}" if missing else "runs with the PostgreSQL suite"
        if os.environ.get("REQUIRE_CONTAINERS") == "1" and missing:
            pytest.fail(reason)
        pytest.skip(reason)


def base_image(tmp: Path) -> None:
    """A Debian bookworm image with Python 3.11 and venv, made locally (apt's mirror is reachable, a registry not)."""
    if podman("image", "exists", BASE, check=False).returncode == 0:
        return
    rootfs = tmp / "rootfs"
    subprocess.run(["debootstrap", "--variant=minbase", "--include=python3,python3-venv,ca-certificates", "bookworm",
                    str(rootfs)], check=True, capture_output=True, timeout=900)
    tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
    subprocess.run(["podman", "import", "-", BASE], stdin=tar.stdout, check=True, capture_output=True,
                   env={**os.environ, "CONTAINERS_CONF": str(CONF)}, timeout=600)
    tar.wait()


def wait_ready(port: int) -> dict:
    for _ in range(150):
        try:
            reply = httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=2)
            if reply.status_code == 200:
                return reply.json()
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"the replica on {port} never became ready")


def test_the_image_builds_offline_migrates_once_and_serves_two_replicas_on_one_database(tmp_path):
    containers_or_skip()
    base_image(tmp_path)
    wheels = ROOT / ".container-wheels"
    subprocess.run([str(ROOT / ".venv" / "bin" / "pip"), "download", "--quiet", "--no-deps", "--require-hashes",
                    "-d", str(wheels), "-r", str(ROOT / "requirements.lock")], check=True, timeout=900)
    podman("build", "--network=host", "--build-arg", f"BASE={BASE}", "--build-arg", "OFFLINE=1", "-t", IMAGE,
           str(ROOT), timeout=1200)
    assert podman("run", "--rm", IMAGE, "id", "-u").stdout.strip() == "10001"  # not root

    name = f"container_{secrets.token_hex(4)}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    key = secrets.token_hex(32)
    environment = ["-e", f"DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/{name}", "-e",
                   f"SECRET_KEY={key}", "-e", "MIGRATE_ON_START=false"]
    replicas: list[str] = []
    try:
        migrated = podman("run", "--rm", "--network=host", *environment, IMAGE, "python3", "manage.py", "migrate")
        assert "migrated" in migrated.stdout + migrated.stderr
        ports = [free_port(), free_port()]
        for port in ports:
            replicas.append(podman("run", "-d", "--network=host", *environment, IMAGE, "uvicorn", "server:app",
                                   "--host", "127.0.0.1", "--port", str(port), "--no-server-header").stdout.strip())
        token = mint_token(key, sub="ops", role=Role.PLATFORM)
        for port in ports:
            assert wait_ready(port) == {"status": "ok", "database": "ok", "migrations": "ok", "uploads": "ok"}
            reply = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": "{ viewer { userId role } }"},
                               headers={"Authorization": f"Bearer {token}"}, timeout=10)
            assert reply.json()["data"]["viewer"] == {"userId": "ops", "role": "PLATFORM"}
            assert "server" not in reply.headers and reply.headers["strict-transport-security"]  # prod
        for replica in replicas:
            podman("stop", "-t", "20", replica)  # SIGTERM, then the graceful shutdown
            state = podman("inspect", "--format", "{{.State.Status}}", replica).stdout.strip()
            assert state == "exited"
    finally:
        for replica in replicas:
            podman("rm", "-f", replica, check=False)
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_compose_runs_a_database_a_one_shot_migration_and_two_replicas_after_it():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "migrate", "api-1", "api-2"}
    assert services["migrate"]["command"] == ["python3", "manage.py", "migrate"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for replica in ("api-1", "api-2"):
        assert services[replica]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[replica]["environment"]["MIGRATE_ON_START"] == "false"
        assert services[replica]["environment"]["APP_ENV"] == "prod"
